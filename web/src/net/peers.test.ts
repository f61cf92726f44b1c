import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { MainToWorker } from '../lib/protocol';
import type { ChannelLike } from './channel-writer';
import { PeerManager, type PeerInstance } from './peers';

class FakeChannel implements ChannelLike {
  bufferedAmount = 0;
  readyState = 'open';
  sent: Uint8Array[] = [];
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

class FakeInstance extends EventEmitter {
  destroyed = false;
  _channel = new FakeChannel();
  signalled: unknown[] = [];
  signal(data: unknown): void {
    this.signalled.push(data);
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

function setup(max = 30) {
  const posted: Array<{ message: MainToWorker; transfer?: Transferable[] }> = [];
  const instances: FakeInstance[] = [];
  const manager = new PeerManager({
    post: (message, transfer) => posted.push({ message, transfer }),
    iceServers: () => [],
    maxPeersPerTorrent: max,
    createInstance: () => {
      const instance = new FakeInstance();
      instances.push(instance);
      return instance as unknown as PeerInstance;
    },
  });
  return { manager, posted, instances };
}

const T = 'ab'.repeat(20);

describe('PeerManager', () => {
  it('reports a connection to the worker and transfers each message whole', () => {
    const { manager, posted, instances } = setup();
    const peer = manager.createPeer(T, true);
    expect(manager.matched(T, peer, 'remote1')).toBe(true);
    instances[0].emit('connect');
    expect(posted[0].message).toMatchObject({ type: 'peer-connected', infoHashHex: T });
    const key = (posted[0].message as { peer: string }).peer;
    const buffer = new ArrayBuffer(8);
    instances[0].emit('data', new Uint8Array(buffer));
    expect(posted[1].message).toEqual({ type: 'peer-data', infoHashHex: T, peer: key, data: buffer });
    expect(posted[1].transfer).toEqual([buffer]);
    // A view on part of a buffer is copied, so the transfer never detaches someone else's bytes.
    const shared = new ArrayBuffer(16);
    instances[0].emit('data', new Uint8Array(shared, 4, 8));
    const data = (posted[2].message as { data: ArrayBuffer }).data;
    expect(data).not.toBe(shared);
    expect(data.byteLength).toBe(8);
  });

  it("writes the worker's bytes to the channel and reports a close once", async () => {
    const { manager, posted, instances } = setup();
    manager.createPeer(T, false);
    instances[0].emit('connect');
    const key = (posted[0].message as { peer: string }).peer;
    manager.send(T, key, new Uint8Array([1, 2, 3]).buffer);
    // Sends of one burst go out together, one task later.
    await vi.waitFor(() => expect(Array.from(instances[0]._channel.sent[0] ?? [])).toEqual([1, 2, 3]));
    instances[0].destroy();
    expect(posted.at(-1)!.message).toEqual({ type: 'peer-closed', infoHashHex: T, peer: key });
    expect(manager.connectedCount(T)).toBe(0);
  });

  it('does not echo a close the worker asked for', () => {
    const { manager, posted, instances } = setup();
    manager.createPeer(T, false);
    instances[0].emit('connect');
    const key = (posted[0].message as { peer: string }).peer;
    manager.close(T, key);
    expect(instances[0].destroyed).toBe(true);
    expect(posted.filter((p) => p.message.type === 'peer-closed')).toHaveLength(0);
  });

  it('refuses a second connection to the same remote peer and offers beyond the cap', () => {
    const { manager, instances } = setup(2);
    const first = manager.createPeer(T, false);
    manager.matched(T, first, 'r1');
    instances[0].emit('connect');
    const second = manager.createPeer(T, true);
    expect(manager.matched(T, second, 'r1')).toBe(false);
    expect(manager.acceptsOffer(T, 'r1')).toBe(false);
    expect(manager.acceptsOffer(T, 'r2')).toBe(true);
    manager.createPeer(T, false);
    expect(manager.acceptsOffer(T, 'r3')).toBe(false);
  });

  it('answers offers for a torrent that has made no offer of its own', () => {
    const { manager } = setup();
    expect(manager.acceptsOffer(T, 'r1')).toBe(true);
  });

  it('closes every connection of a torrent', () => {
    const { manager, instances } = setup();
    manager.createPeer(T, true);
    manager.createPeer(T, false);
    instances[1].emit('connect');
    manager.closeTorrent(T);
    expect(instances.every((i) => i.destroyed)).toBe(true);
    expect(manager.connectedCount(T)).toBe(0);
  });
});
