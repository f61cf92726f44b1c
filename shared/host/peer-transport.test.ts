import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine/contract/engine-types';
import { feedingReceiver } from './peer-transport';

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
