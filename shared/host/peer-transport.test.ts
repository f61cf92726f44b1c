import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine/contract/engine-types';
import { feedingReceiver, ownBuffer } from './peer-transport';

describe('ownBuffer', () => {
  it('gives the buffer itself when the view covers all of it', () => {
    const view = new Uint8Array([1, 2, 3]);
    expect(ownBuffer(view)).toBe(view.buffer);
  });

  it('copies just the bytes of a view into part of a larger buffer', () => {
    const whole = new Uint8Array([9, 1, 2, 3, 9]);
    const own = ownBuffer(whole.subarray(1, 4));
    expect(own).not.toBe(whole.buffer);
    expect([...new Uint8Array(own)]).toEqual([1, 2, 3]);
  });
});

describe('feedingReceiver', () => {
  it("tells the peer's bytes, backlog and the upload queue as the session's events, in order", () => {
    const events: EngineEvent[] = [];
    const receiver = feedingReceiver('p1', (event) => events.push(event));
    receiver.data(new Uint8Array([7, 8]).buffer);
    receiver.backlog(true);
    receiver.uploadQueue(40, [['p1', 40]]);
    receiver.uploadQueue(0);
    expect(events).toEqual([
      { type: 'peer-data', peer: 'p1', data: new Uint8Array([7, 8]) },
      { type: 'peer-backlog', peer: 'p1', backlogged: true },
      { type: 'upload-queue', bytes: 40, byPeer: [['p1', 40]] },
      { type: 'upload-queue', bytes: 0 },
    ]);
  });
});
