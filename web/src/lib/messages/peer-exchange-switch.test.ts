import { describe, expect, it } from 'vitest';
import { engineWorkerName } from './engine-worker-name';
import { peerExchangeConfig, peerExchangeFromAddress } from './peer-exchange-switch';

describe('the peer exchange switch', () => {
  it('turns peer exchange off for a page an automation opened at ?peer-exchange=off', () => {
    expect(peerExchangeConfig(engineWorkerName('?peer-exchange=off', true))).toEqual({ peerExchange: false });
    expect(peerExchangeConfig(engineWorkerName('?hold-pieces=3&peer-exchange=off', true))).toEqual({
      peerExchange: false,
    });
  });

  it('keeps the default without the switch, with another value, or on a page no automation drives', () => {
    expect(peerExchangeConfig(engineWorkerName('', true))).toEqual({});
    expect(peerExchangeConfig(engineWorkerName('?peer-exchange=on', true))).toEqual({});
    expect(peerExchangeConfig(engineWorkerName('?peer-exchange=false', true))).toEqual({});
    expect(peerExchangeConfig(engineWorkerName('?peer-exchange=off', false))).toEqual({});
  });

  it('tells the page whether its engine speaks peer exchange', () => {
    expect(peerExchangeFromAddress('?peer-exchange=off', true)).toBe(false);
    expect(peerExchangeFromAddress('?peer-exchange=off', false)).toBe(true);
    expect(peerExchangeFromAddress('', true)).toBe(true);
  });
});
