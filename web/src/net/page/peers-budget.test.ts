import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { ConnectionBudget } from './connection-budget';
import { PeerManager } from './peers';
import { simplePeerConnections, type PeerInstance } from './simple-peer-connection';

class FakeInstance extends EventEmitter {
  destroyed = false;
  signal(): void {}
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

function setup(places: number, createThrows = false) {
  const instances: FakeInstance[] = [];
  const budget = new ConnectionBudget(places);
  const manager = new PeerManager({
    post: () => undefined,
    iceServers: () => [],
    stallMs: 1000,
    budget,
    createConnection: simplePeerConnections(() => {
      if (createThrows) throw new Error('Cannot create so many PeerConnections');
      const instance = new FakeInstance();
      instances.push(instance);
      return instance as unknown as PeerInstance;
    }),
  });
  return { manager, instances, budget };
}

const T = 'ab'.repeat(20);
const U = 'cd'.repeat(20);

describe("PeerManager's connection places", () => {
  it('makes no connection past the places of every torrent together, nor answers offers', () => {
    const { manager, instances, budget } = setup(3);
    manager.createPeer(T, true);
    manager.createPeer(U, true);
    expect(manager.acceptsOffer(U, 'r1')).toBe(true);
    manager.createPeer(U, false);
    expect(manager.createPeer(T, true)).toBeUndefined();
    expect(manager.acceptsOffer(T, 'r2')).toBe(false);
    expect(instances).toHaveLength(3);
    expect(budget.used).toBe(3);
  });

  it('gives a place back when its connection closes, is destroyed, or its torrent stops', () => {
    const { manager, instances, budget } = setup(3);
    const peer = manager.createPeer(T, true)!;
    manager.createPeer(T, true);
    manager.createPeer(U, true);
    instances[0]!.emit('close');
    peer.destroy();
    expect(budget.used).toBe(2);
    manager.closeTorrent(U);
    expect(budget.used).toBe(1);
    expect(instances[2]!.destroyed).toBe(true);
    manager.closeAll();
    expect(budget.used).toBe(0);
    expect(instances.every((instance) => instance.destroyed)).toBe(true);
  });

  it('closes a matched connection that never opens, giving its place back', () => {
    vi.useFakeTimers();
    try {
      const { manager, instances, budget } = setup(3);
      const peer = manager.createPeer(T, false)!;
      manager.matched(T, peer, 'r1');
      vi.advanceTimersByTime(1000);
      expect(peer.attempt.outcome).toBe('failed');
      expect(instances[0]!.destroyed).toBe(false);
      vi.advanceTimersByTime(1000);
      expect(instances[0]!.destroyed).toBe(true);
      expect(budget.used).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives the place back when the browser refuses the connection', () => {
    const { manager, budget } = setup(3, true);
    expect(manager.createPeer(T, true)).toBeUndefined();
    expect(budget.used).toBe(0);
  });

  it('makes fewer offers as the places run out', () => {
    const { manager } = setup(200);
    expect(manager.offerRoom(5)).toBe(5);
    for (let i = 0; i < 160; i++) manager.createPeer(T, true);
    expect(manager.offerRoom(5)).toBe(1);
  });
});
