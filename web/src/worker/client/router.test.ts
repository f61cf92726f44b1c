import { describe, expect, it } from 'vitest';
import type { ActionMessage, MainToWorker, WorkerToMain } from '../../lib/messages/protocol';
import type { TorrentHost } from '../torrent/host';
import type { PeerTransport } from '../../../../shared/host/peer-transport';
import { PeerTransports } from '../transport/peer-transports';
import { TorrentRegistry } from './registry';
import { MessageRouter } from './router';

const HASH = 'a'.repeat(40);

/** A host that records the calls it gets; a connection's bytes and backlog reach it through the connection's
 * transport, as they reach the real host. */
function recordingHost(calls: unknown[][]): TorrentHost {
  const peerConnected = (peer: string, identities: string[], transport: PeerTransport) => {
    calls.push(['peerConnected', peer, identities]);
    transport.receive({
      data: (data) => calls.push(['peerData', peer, data]),
      backlog: (backlogged) => calls.push(['peerBacklog', peer, backlogged]),
      uploadQueue: (bytes, byPeer) => calls.push(['uploadQueue', bytes, byPeer]),
    });
  };
  return new Proxy({} as TorrentHost, {
    get: (_, method: string) => {
      if (method === 'peerConnected') return peerConnected;
      if (method === 'streams') return { want: (...args: unknown[]) => calls.push(['wantPieces', ...args]) };
      return (...args: unknown[]) => calls.push([method, ...args]);
    },
  });
}

function setup() {
  const calls: unknown[][] = [];
  const posts: WorkerToMain[] = [];
  const actions: ActionMessage[] = [];
  const events: string[] = [];
  const registry = new TorrentRegistry();
  registry.add(HASH, recordingHost(calls));
  const router = new MessageRouter({
    registry,
    transports: new PeerTransports((message) => posts.push(message)),
    runAction: async (message) => void actions.push(message),
    publishSoon: () => events.push('publishSoon'),
    shutdown: async () => void events.push('shutdown'),
  });
  return { calls, posts, actions, events, router };
}

describe('MessageRouter', () => {
  it("hands each connection's event to its torrent's host", async () => {
    const { calls, router } = setup();
    const data = new ArrayBuffer(3);
    const messages: MainToWorker[] = [
      { type: 'peer-connected', infoHashHex: HASH, peer: 'p', identities: ['id'] },
      { type: 'peer-data', infoHashHex: HASH, peer: 'p', data },
      { type: 'peer-path', infoHashHex: HASH, peer: 'p', path: 'relayed' },
      { type: 'peer-backlog', infoHashHex: HASH, peer: 'p', backlogged: true },
      { type: 'upload-queue', infoHashHex: HASH, bytes: 9, byPeer: [['p', 9]] },
      { type: 'want-pieces', infoHashHex: HASH, pieces: [4, 5], seek: true },
      { type: 'want-pieces', infoHashHex: HASH, pieces: [6], seek: false, behind: true },
      { type: 'peer-closed', infoHashHex: HASH, peer: 'p' },
    ];
    for (const message of messages) await router.route(message);
    expect(calls).toEqual([
      ['peerConnected', 'p', ['id']],
      ['peerData', 'p', data],
      ['peerPath', 'p', 'relayed'],
      ['peerBacklog', 'p', true],
      ['uploadQueue', 9, [['p', 9]]],
      ['wantPieces', [4, 5], true, false],
      ['wantPieces', [6], false, true],
      ['peerClosed', 'p'],
    ]);
  });

  it("shows the page's reach diagnosis at once", async () => {
    const { calls, events, router } = setup();
    await router.route({ type: 'reachability', infoHashHex: HASH, problem: 'no relay' });
    expect(calls).toEqual([['setReachability', 'no relay']]);
    expect(events).toEqual(['publishSoon']);
  });

  it('closes a connection to a torrent it does not have, and ignores its other events', async () => {
    const { calls, posts, router } = setup();
    const other = 'b'.repeat(40);
    await router.route({ type: 'peer-connected', infoHashHex: other, peer: 'q' });
    await router.route({ type: 'peer-data', infoHashHex: other, peer: 'q', data: new ArrayBuffer(1) });
    expect(posts).toEqual([{ type: 'close', infoHashHex: other, peer: 'q', reason: 'unknown torrent' }]);
    expect(calls).toEqual([]);
  });

  it('runs actions and the shutdown, and leaves the data channels to the worker script', async () => {
    const { calls, posts, actions, events, router } = setup();
    const action: ActionMessage = {
      type: 'action',
      requestId: 3,
      call: { op: 'pause', infoHashHex: HASH },
      defaultTrackers: [],
    };
    await router.route(action);
    await router.route({ type: 'shutdown' });
    await router.route({ type: 'channel-close', id: 'c1' });
    await router.route({ type: 'upload-limit', bytesPerSecond: 5 });
    expect(actions).toEqual([action]);
    expect(events).toEqual(['shutdown']);
    expect(calls).toEqual([]);
    expect(posts).toEqual([]);
  });
});
