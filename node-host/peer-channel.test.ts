import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { channelSocket } from './peer-channel';

/** A peer of simple-peer's shape: `tearDown` is its own teardown on the far end's close (`disconnect`, no `close`);
 * our destroy brings `disconnect`, then the stream's `close`. */
class FakePeer extends EventEmitter {
  /** streamx's queue of writes not yet handed to the channel. */
  _writableState: { buffered: number } | null = { buffered: 0 };
  /** The channel's bufferedAmount. */
  bufferSize = 0;

  tearDown(): void {
    this.emit('end');
    this.emit('finish');
    this.emit('disconnect');
  }

  destroy(): void {}
}

/** Counts the `close` events of `peer` as a socket, as the torrent's peer hears them. */
function closes(peer: FakePeer): () => number {
  let count = 0;
  channelSocket(peer).on('close', () => count++);
  return () => count;
}

describe('channelSocket', () => {
  it('closes when the far end tears the connection down, though the stream never closes', () => {
    const peer = new FakePeer();
    const closed = closes(peer);
    peer.tearDown();
    expect(closed()).toBe(1);
    peer.tearDown();
    expect(closed()).toBe(1);
  });

  it('closes at the disconnect of our own destroy, and again at the stream close that follows', () => {
    const peer = new FakePeer();
    const closed = closes(peer);
    peer.emit('disconnect');
    expect(closed()).toBe(1);
    // The torrent's peer and the swarm take the first close (tcp-peer.ts, rtc-swarm.ts).
    peer.emit('close');
    expect(closed()).toBe(2);
  });

  it('adds no close to a stream that closed before any disconnect', () => {
    const peer = new FakePeer();
    const closed = closes(peer);
    peer.emit('close');
    peer.emit('disconnect');
    expect(closed()).toBe(1);
  });

  it('holds unsent what its stream queued and its channel buffered (0 once the stream is destroyed)', () => {
    const peer = new FakePeer();
    const socket = channelSocket(peer);
    expect(socket.writableLength).toBe(0);
    peer._writableState = { buffered: 50_000 };
    peer.bufferSize = 70_000;
    expect(socket.writableLength).toBe(120_000);
    peer.bufferSize = 0;
    expect(socket.writableLength).toBe(50_000);
    peer._writableState = null;
    expect(socket.writableLength).toBe(0);
  });

  it('has no Nagle to turn off: setNoDelay does nothing', () => {
    const socket = channelSocket(new FakePeer());
    expect(socket.setNoDelay(true)).toBe(socket);
  });
});
