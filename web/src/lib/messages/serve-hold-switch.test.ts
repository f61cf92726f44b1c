import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../../shared/testing/until';
import { engineWorkerName } from './engine-worker-name';
import { RELEASE_HOLD, SERVE_HOLD_CHANNEL, serveHoldConfig } from './serve-hold-switch';

const opened: BroadcastChannel[] = [];
/** Opens real broadcast channels (Node has them), closed after each test. */
const open = (name: string) => {
  const channel = new BroadcastChannel(name);
  opened.push(channel);
  return channel;
};
afterEach(() => {
  for (const channel of opened.splice(0)) channel.close();
});

describe("the test hold's switch", () => {
  it('is passed to the worker only for a page a browser automation drives', () => {
    expect(engineWorkerName('?hold-pieces=3')).toBe('swarmdrop-engine');
    expect(engineWorkerName('?hold-pieces=3', false)).toBe('swarmdrop-engine');
    expect(engineWorkerName('?hold-pieces=3', true)).toBe('swarmdrop-engine hold-pieces=3');
  });

  it('holds nothing, and opens no channel, for a worker without it', () => {
    for (const name of [
      'swarmdrop-engine',
      engineWorkerName('?hold-pieces=3'),
      'swarmdrop-engine hold-pieces=x',
    ]) {
      expect(serveHoldConfig(name, open)).toEqual({});
      expect(opened).toEqual([]);
    }
  });

  it('holds the pieces the name says until `release` comes on its channel from another page of the origin', async () => {
    const { serveHold } = serveHoldConfig(engineWorkerName('?hold-pieces=4', true), open);
    expect(serveHold?.pieces).toBe(4);
    expect(opened.map((channel) => channel.name)).toEqual([SERVE_HOLD_CHANNEL]);
    const test = new BroadcastChannel(SERVE_HOLD_CHANNEL);
    try {
      test.postMessage('something else');
      test.postMessage(RELEASE_HOLD);
      await until(() => serveHold?.released === true, { what: 'the hold released' });
    } finally {
      test.close();
    }
  });

  it('holds one piece for a worker named with `hold-piece`, until released', () => {
    const { serveHold } = serveHoldConfig(engineWorkerName('?hold-piece=7', true), open);
    expect(serveHold?.piece).toBe(7);
    expect(opened.map((channel) => channel.name)).toEqual([SERVE_HOLD_CHANNEL]);
    expect(serveHold?.released).toBe(false);
    expect(engineWorkerName('?hold-piece=7')).toBe('swarmdrop-engine');
  });
});
