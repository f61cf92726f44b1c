import { describe, expect, it } from 'vitest';
import { engineWorkerName } from './engine-worker-name';
import { RELEASE_HOLD, SERVE_HOLD_CHANNEL, serveHoldConfig, type HoldChannel } from './serve-hold-switch';

/** A channel the test posts on by hand, and what was opened. */
function channels(): {
  opened: string[];
  channel: HoldChannel & { closed: boolean };
  open: (name: string) => HoldChannel;
} {
  const opened: string[] = [];
  const channel = {
    onmessage: null as HoldChannel['onmessage'],
    closed: false,
    close() {
      this.closed = true;
    },
  };
  return { opened, channel, open: (name) => (opened.push(name), channel) };
}

describe("the test hold's switch", () => {
  it('is passed to the worker only for a page a browser automation drives', () => {
    expect(engineWorkerName('?hold-pieces=3')).toBe('swarmdrop-engine');
    expect(engineWorkerName('?hold-pieces=3', false)).toBe('swarmdrop-engine');
    expect(engineWorkerName('?hold-pieces=3', true)).toBe('swarmdrop-engine hold-pieces=3');
    // The other test parameters pass as before.
    expect(engineWorkerName('?idle-timeout=12&hold-pieces=3')).toBe('swarmdrop-engine idle-timeout=12');
  });

  it('holds nothing, and opens no channel, for a worker without it', () => {
    for (const name of [
      'swarmdrop-engine',
      engineWorkerName('?hold-pieces=3'),
      'swarmdrop-engine hold-pieces=x',
    ]) {
      const { opened, open } = channels();
      expect(serveHoldConfig(name, open)).toEqual({});
      expect(opened).toEqual([]);
    }
  });

  it('holds the pieces the name says until `release` comes on its channel', () => {
    const { opened, channel, open } = channels();
    const { serveHold } = serveHoldConfig(engineWorkerName('?hold-pieces=4', true), open);
    expect(serveHold?.pieces).toBe(4);
    expect(opened).toEqual([SERVE_HOLD_CHANNEL]);
    channel.onmessage?.({ data: 'something else' });
    expect(serveHold?.released).toBe(false);
    channel.onmessage?.({ data: RELEASE_HOLD });
    expect(serveHold?.released).toBe(true);
    expect(channel.closed).toBe(true);
  });
});
