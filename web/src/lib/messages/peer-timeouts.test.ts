import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../../shared/engine/contract/config';
import { engineWorkerName } from './engine-worker-name';
import { peerTimeouts } from './peer-timeouts';

describe('peer timeouts from the address', () => {
  it('keeps the defaults without the parameter', () => {
    expect(peerTimeouts(engineWorkerName(''))).toEqual({});
    expect(peerTimeouts(engineWorkerName('?block-hashes=engine'))).toEqual({});
  });

  it('shortens the idle timeout, keep-alives well within it', () => {
    const config = peerTimeouts(engineWorkerName('?channels=page&idle-timeout=12'));
    expect(config).toEqual({ idleTimeoutMs: 12_000, keepAliveMs: 4800 });
    expect(peerTimeouts(engineWorkerName('?block-hashes=engine&idle-timeout=12'))).toEqual(config);
  });

  it('never lengthens it, nor takes one short enough to drop healthy peers, nor text that is no whole number', () => {
    for (const value of [String(DEFAULT_CONFIG.idleTimeoutMs / 1000), '400', '4', '0', '-3', '12.5', 'x', ''])
      expect(peerTimeouts(engineWorkerName(`?idle-timeout=${value}`))).toEqual({});
  });
});
