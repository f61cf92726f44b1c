import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { MainToWorker } from '../../lib/messages/protocol';
import { ChannelTransfer } from './channel-transfer';
import type { ChannelLike } from '../channel-writer';
import { RTCIceCandidate, RTCPeerConnection, RTCSessionDescription } from 'webrtc-polyfill';
import { PeerManager } from './peers';
import { reachProblem } from './reachability';
import {
  createSimplePeer,
  HOST_ONLY_GATHER_MS,
  iceCompleteTimeout,
  simplePeerConnections,
  type PeerInstance,
} from './simple-peer-connection';

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

function setup(max = 30, relayOnly = false, idlePlace?: (infoHashHex: string) => boolean) {
  const posted: Array<{ message: MainToWorker; transfer?: Transferable[] }> = [];
  const instances: FakeInstance[] = [];
  const changed: string[] = [];
  const manager = new PeerManager({
    post: (message, transfer) => posted.push({ message, transfer }),
    iceServers: () => [],
    iceTransportPolicy: () => (relayOnly ? 'relay' : 'all'),
    onAttempts: (infoHashHex) => changed.push(infoHashHex),
    stallMs: 1000,
    maxPeersPerTorrent: max,
    ...(idlePlace ? { idlePlace } : {}),
    createConnection: simplePeerConnections(() => {
      const instance = new FakeInstance();
      instances.push(instance);
      return instance as unknown as PeerInstance;
    }),
  });
  return { manager, posted, instances, changed };
}

const T = 'ab'.repeat(20);

describe('PeerManager', () => {
  it('reports a connection to the worker and transfers each message whole', () => {
    const { manager, posted, instances } = setup();
    const peer = manager.createPeer(T, true)!;
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

  it('reports what the torrent’s channels hold to the worker (upload pacing), each connection’s too, and stops with its last connection', async () => {
    const { manager, posted, instances } = setup();
    manager.createPeer(T, false);
    instances[0].emit('connect');
    const key = (posted[0].message as { peer: string }).peer;
    instances[0]._channel.bufferedAmount = 5000;
    await vi.waitFor(() =>
      expect(posted.map((p) => p.message)).toContainEqual({
        type: 'upload-queue',
        infoHashHex: T,
        bytes: 5000,
        byPeer: [[key, 5000]],
      }),
    );
    instances[0].destroy();
    const count = posted.filter((p) => p.message.type === 'upload-queue').length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(posted.filter((p) => p.message.type === 'upload-queue')).toHaveLength(count);
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
    const first = manager.createPeer(T, false)!;
    manager.matched(T, first, 'r1');
    instances[0].emit('connect');
    const second = manager.createPeer(T, true)!;
    expect(manager.matched(T, second, 'r1')).toBe(false);
    expect(manager.acceptsOffer(T, 'r1')).toBe(false);
    expect(manager.acceptsOffer(T, 'r2')).toBe(true);
    manager.createPeer(T, false);
    expect(manager.acceptsOffer(T, 'r3')).toBe(false);
  });

  it('at the cap, answers one more offer while the engine reports an idle place for that torrent', () => {
    let idle = false;
    const { manager, instances } = setup(2, false, (infoHashHex) => idle && infoHashHex === T);
    manager.createPeer(T, false);
    manager.createPeer(T, true);
    instances[1].emit('connect');
    expect(manager.acceptsOffer(T, 'r1')).toBe(false);
    idle = true;
    expect(manager.acceptsOffer(T, 'r1')).toBe(true);
    manager.createPeer(T, false); // that answer, in progress
    expect(manager.acceptsOffer(T, 'r2')).toBe(false);
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

  it('records what became of each attempt: no route, unanswered, failed, stalled, connected', () => {
    vi.useFakeTimers();
    try {
      const { manager, instances, changed } = setup(30, true);
      const outcomes = () => manager.attempts(T).map((attempt) => attempt.outcome);
      // A relay-only offer whose description carries no relay candidate: the relay gave no route.
      const noRelay = manager.createPeer(T, true)!;
      noRelay.once('signal', () => undefined);
      instances[0].emit('signal', { type: 'offer', sdp: 'v=0\r\n' });
      expect(noRelay.attempt).toMatchObject({ relayOnly: true, outcome: 'no-route' });
      // An offer with a relay route that nobody answered.
      const unanswered = manager.createPeer(T, true)!;
      unanswered.once('signal', () => undefined);
      instances[1].emit('signal', { type: 'offer', sdp: 'a=candidate:1 1 udp 1 1.2.3.4 5 typ relay\r\n' });
      unanswered.destroy();
      // A matched one that closed before opening (ICE failed), and one that did not open in time.
      const failed = manager.createPeer(T, true)!;
      manager.matched(T, failed, 'r1');
      instances[2].emit('error', new Error('Ice connection failed.'));
      failed.destroy();
      const stalled = manager.createPeer(T, false)!;
      manager.matched(T, stalled, 'r2');
      expect(stalled.attempt.outcome).toBe('pending');
      vi.advanceTimersByTime(1000);
      expect(outcomes()).toEqual(['no-route', 'unanswered', 'failed', 'failed']);
      expect(manager.attempts(T)[2].remote).toBe('r1');
      expect(changed.length).toBeGreaterThan(4);
      // A connection that opens clears the failures before it.
      const good = manager.createPeer(T, true)!;
      manager.matched(T, good, 'r3');
      instances[4].emit('connect');
      expect(outcomes()).toEqual(['connected']);
      vi.advanceTimersByTime(5000);
      expect(outcomes()).toEqual(['connected']);
      // A peer we reached once (it left since) is not counted unreachable when another attempt to it stalls.
      instances[4].destroy();
      const crossed = manager.createPeer(T, false)!;
      expect(manager.matched(T, crossed, 'r3')).toBe(true);
      vi.advanceTimersByTime(1000);
      expect(crossed.attempt.outcome).toBe('unanswered');
    } finally {
      vi.useRealTimers();
    }
  });

  it('by default counts peers matched but never connected as found and unreachable within 20 s', () => {
    // What e2e/errors.spec.ts shows in a browser at a shorter wait (`?stall-ms=`): here the wait a user has.
    vi.useFakeTimers();
    try {
      const changed: string[] = [];
      const manager = new PeerManager({
        post: () => undefined,
        iceServers: () => [],
        onAttempts: (infoHashHex) => changed.push(infoHashHex),
        createConnection: simplePeerConnections(() => new FakeInstance() as unknown as PeerInstance),
      });
      for (const remote of ['r1', 'r2']) manager.matched(T, manager.createPeer(T, false)!, remote);
      const problem = () =>
        reachProblem({ connected: 0, relayOnly: false, relayUrls: [], attempts: manager.attempts(T) });
      expect(problem()).toBeUndefined();
      changed.length = 0;
      vi.advanceTimersByTime(20_000);
      expect(changed).toContain(T);
      expect(problem()).toBe('2 peers found, none could be reached');
    } finally {
      vi.useRealTimers();
    }
  });

  it('names a TURN server that reported an error, and reads the path of an opened connection', async () => {
    class FakePc extends EventTarget {
      async getStats() {
        return new Map<string, unknown>([
          ['T', { type: 'transport', selectedCandidatePairId: 'P' }],
          ['P', { type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' }],
          ['L', { type: 'local-candidate', candidateType: 'relay' }],
          ['R', { type: 'remote-candidate', candidateType: 'host' }],
        ]);
      }
    }
    const pc = new FakePc();
    // simple-peer's RTCPeerConnection, where the manager reaches it.
    const withPc = Object.assign(new FakeInstance(), { _pc: pc });
    const posted: Array<{ message: MainToWorker }> = [];
    const manager = new PeerManager({
      post: (message) => posted.push({ message }),
      iceServers: () => [],
      createConnection: simplePeerConnections(() => withPc as unknown as PeerInstance),
    });
    const relayed = manager.createPeer(T, true)!;
    pc.dispatchEvent(
      Object.assign(new Event('icecandidateerror'), { url: 'turn:127.0.0.1:9?transport=udp' }),
    );
    pc.dispatchEvent(Object.assign(new Event('icecandidateerror'), { url: 'stun:127.0.0.1:9' }));
    expect(relayed.attempt.relayErrors).toEqual(['turn:127.0.0.1:9?transport=udp']);
    withPc.emit('connect');
    const key = (posted.find((p) => p.message.type === 'peer-connected')!.message as { peer: string }).peer;
    await vi.waitFor(() =>
      expect(posted.map((p) => p.message)).toContainEqual({
        type: 'peer-path',
        infoHashHex: T,
        peer: key,
        path: 'relayed',
      }),
    );
  });
  it("names the worker's channel in peer-connected and leaves its bytes to the worker, where the worker holds it", () => {
    const posted: Array<{ message: MainToWorker; transfer?: Transferable[] }> = [];
    const post = (message: MainToWorker, transfer?: Transferable[]) => posted.push({ message, transfer });
    const transfer = new ChannelTransfer(post, true);
    const adopters: unknown[] = [];
    const paths: string[] = [];
    const instances: FakeInstance[] = [];
    const manager = new PeerManager({
      post,
      iceServers: () => [],
      channels: transfer,
      onChannelPath: (path) => paths.push(path),
      createConnection: simplePeerConnections(({ adoptChannel }) => {
        adopters.push(adoptChannel);
        const instance = new FakeInstance();
        // simple-peer creating its channel through the adopting RTCPeerConnection.
        const standIn = adoptChannel?.({ label: 'x' } as RTCDataChannel);
        if (standIn) (instance as unknown as { _channel: unknown })._channel = standIn;
        instances.push(instance);
        return instance as unknown as PeerInstance;
      }),
    });
    // Before the worker says it can hold channels, they stay on the page.
    manager.createPeer(T, true);
    expect(adopters[0]).toBeUndefined();
    transfer.setSupported(true);
    manager.createPeer(T, true);
    expect(adopters[1]).toBe(transfer.adopt);
    const adopt = posted.find((p) => p.message.type === 'channel-adopt')!.message as { id: string };
    instances[1].emit('connect');
    const connected = posted.find((p) => p.message.type === 'peer-connected')!.message as {
      peer: string;
      channel?: string;
    };
    expect(connected.channel).toBe(adopt.id);
    expect(paths).toEqual(['worker']);
    // Nothing of the channel passes here: no writer, no data listener.
    expect(manager.connectedCount(T)).toBe(1);
    expect(instances[1].listenerCount('data')).toBe(0);
    manager.send(T, connected.peer, new ArrayBuffer(4));
    instances[0].emit('connect');
    expect(paths).toEqual(['worker', 'page']);
    expect(instances[0].listenerCount('data')).toBe(1);
  });
});

describe('how long a description waits for its candidates', () => {
  it('leaves soon after the host candidates when there is no STUN or TURN server, and waits for servers', () => {
    expect(iceCompleteTimeout([])).toBe(HOST_ONLY_GATHER_MS);
    expect(iceCompleteTimeout([{ urls: [] }])).toBe(HOST_ONLY_GATHER_MS);
    expect(iceCompleteTimeout([{ urls: 'stun:127.0.0.1:3478' }])).toBeUndefined();
    expect(
      iceCompleteTimeout([{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }]),
    ).toBeUndefined();
  });

  it('gives simple-peer that wait (its own default is 5 s after the first candidate)', () => {
    vi.stubGlobal('RTCPeerConnection', RTCPeerConnection);
    vi.stubGlobal('RTCSessionDescription', RTCSessionDescription);
    vi.stubGlobal('RTCIceCandidate', RTCIceCandidate);
    try {
      const made = (iceServers: RTCIceServer[]) => {
        const peer = createSimplePeer({ initiator: true, iceServers, iceTransportPolicy: 'all' });
        const wait = (peer as unknown as { iceCompleteTimeout: number }).iceCompleteTimeout;
        peer.destroy();
        return wait;
      };
      expect(made([])).toBe(HOST_ONLY_GATHER_MS);
      expect(made([{ urls: 'stun:127.0.0.1:3478' }])).toBe(5000);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
