import { describe, expect, it, vi } from 'vitest';
import type { ActionMessage, MainToWorker, TorrentView, WorkerToMain } from '../../lib/messages/protocol';
import {
  EngineBridge,
  relayUrls,
  RequestError,
  WorkerFailedError,
  type BridgeListener,
  type BridgeOptions,
  type WorkerLike,
} from './engine-bridge';
import type { SocketLike } from './tracker-client';

class FakeWorker implements WorkerLike {
  posted: MainToWorker[] = [];
  onmessage: ((event: MessageEvent<WorkerToMain>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  terminated = false;
  terminate(): void {
    this.terminated = true;
  }
  fail(message: string): void {
    this.onerror?.({ message } as ErrorEvent);
  }
  postMessage(message: MainToWorker): void {
    this.posted.push(message);
  }
  emit(message: WorkerToMain): void {
    this.onmessage?.({ data: message } as MessageEvent<WorkerToMain>);
  }
}

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
}

function setup(listener: BridgeListener = {}, options: Partial<BridgeOptions> = {}) {
  const worker = new FakeWorker();
  const sockets: FakeSocket[] = [];
  const replacements: FakeWorker[] = [];
  const bridge = new EngineBridge({
    worker,
    iceServers: [],
    defaultTrackers: ['ws://home/'],
    listener,
    createWorker: () => {
      const next = new FakeWorker();
      replacements.push(next);
      return next;
    },
    // Peers that never finish gathering: these tests are about the bridge, not WebRTC.
    createInstance: () => ({
      destroyed: false,
      once: () => undefined,
      on: () => undefined,
      signal: () => undefined,
      destroy: () => undefined,
    }),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    ...options,
  });
  return { worker, sockets, bridge, replacements };
}

const T = 'cd'.repeat(20);
const stats = { uploaded: 0, downloaded: 0, left: 10 };

describe('EngineBridge', () => {
  it('matches replies to requests and turns failures into errors', async () => {
    const { worker, bridge } = setup();
    const added = bridge.call({ op: 'add-magnet', link: 'magnet:?xt=urn:btih:' + T });
    const bad = bridge.call({ op: 'add-magnet', link: 'nonsense' });
    const [first, second] = worker.posted as ActionMessage[];
    expect(first.defaultTrackers).toEqual(['ws://home/']);
    expect(first.call).toEqual({ op: 'add-magnet', link: 'magnet:?xt=urn:btih:' + T });
    worker.emit({ type: 'reply', requestId: second.requestId, ok: false, error: 'not a magnet link' });
    worker.emit({ type: 'reply', requestId: first.requestId, ok: true, value: { infoHashHex: T, name: T } });
    await expect(added).resolves.toEqual({ infoHashHex: T, name: T });
    await expect(bad).rejects.toThrow(RequestError);
  });

  it("hands each of a worker task's batched sends to its peer, in order", () => {
    const { worker, bridge } = setup();
    const written: Array<[string, string, number]> = [];
    bridge.peers.send = (infoHashHex, peer, data) => written.push([infoHashHex, peer, data.byteLength]);
    worker.emit({
      type: 'sends',
      sends: [
        { infoHashHex: T, peer: 'c1', data: new ArrayBuffer(3) },
        { infoHashHex: T, peer: 'c2', data: new ArrayBuffer(5) },
      ],
    });
    expect(written).toEqual([
      [T, 'c1', 3],
      [T, 'c2', 5],
    ]);
  });

  it("moves channels to the worker once it says it can hold them, paced by the tab's upload limit", () => {
    const { worker, bridge } = setup({}, { uploadLimit: 10_000 });
    expect(bridge.channels.path).toBe('page');
    worker.emit({ type: 'channel-support', transferable: true });
    expect(bridge.channels.path).toBe('worker');
    expect(worker.posted).toContainEqual({ type: 'upload-limit', bytesPerSecond: 10_000 });
    bridge.setUploadLimit(20_000);
    expect(worker.posted.at(-1)).toEqual({ type: 'upload-limit', bytesPerSecond: 20_000 });
    // The worker's reports reach the stand-in simple-peer holds.
    const standIn = bridge.channels.adopt({ label: 'x' } as RTCDataChannel)!;
    worker.emit({ type: 'channel-state', id: standIn.id, state: 'open' });
    expect(standIn.readyState).toBe('open');
    worker.emit({ type: 'channel-state', id: standIn.id, state: 'closed' });
    expect(standIn.readyState).toBe('closed');
  });

  it('keeps channels on the page when told to, or when the worker cannot hold them', () => {
    const forced = setup({}, { channelsInWorker: false });
    forced.worker.emit({ type: 'channel-support', transferable: true });
    expect(forced.bridge.channels.path).toBe('page');
    const unable = setup();
    unable.worker.emit({ type: 'channel-support', transferable: false });
    expect(unable.bridge.channels.path).toBe('page');
  });

  it('starts tracker clients for active torrents once the worker is ready', () => {
    const { worker, sockets } = setup();
    worker.emit({ type: 'torrent-active', infoHashHex: T, trackers: ['ws://t1/', 'ws://t2/'], stats });
    expect(sockets).toHaveLength(0);
    worker.emit({ type: 'ready', restored: 0 });
    expect(sockets.map((s) => s.url)).toEqual(['ws://t1/', 'ws://t2/']);
  });

  it("falls back to the app's own tracker when a torrent lists no WebSocket tracker", () => {
    const { worker, sockets } = setup();
    worker.emit({ type: 'ready', restored: 0 });
    worker.emit({
      type: 'torrent-active',
      infoHashHex: T,
      trackers: ['udp://t1:80', 'http://t2/announce'],
      stats,
    });
    expect(sockets.map((s) => s.url)).toEqual(['ws://home/']);
  });

  it('opens no socket to a stored tracker on this device or its network when the app is public', () => {
    const { worker, sockets } = setup();
    worker.emit({ type: 'ready', restored: 0 });
    worker.emit({
      type: 'torrent-active',
      infoHashHex: T,
      trackers: ['ws://127.0.0.1:6379/', 'ws://0x7f.1/', 'ws://192.168.1.1/', 'ws://t1/'],
      stats,
    });
    expect(sockets.map((s) => s.url)).toEqual(['ws://t1/']);
  });

  it('stops the trackers of a torrent that turns inactive and says stopped on shutdown', async () => {
    const { worker, sockets, bridge } = setup();
    worker.emit({ type: 'ready', restored: 0 });
    worker.emit({ type: 'torrent-active', infoHashHex: T, trackers: ['ws://t1/'], stats });
    sockets[0].readyState = 1;
    sockets[0].onopen?.({});
    bridge.shutdown();
    expect(JSON.parse(sockets[0].sent.at(-1)!)).toMatchObject({ event: 'stopped', left: 10 });
    expect(worker.posted.at(-1)).toEqual({ type: 'shutdown' });
  });

  it('announces the totals and the bytes left of the latest list, not those of the first announce', () => {
    const { worker, sockets, bridge } = setup();
    worker.emit({ type: 'ready', restored: 0 });
    worker.emit({ type: 'torrent-active', infoHashHex: T, trackers: ['ws://t1/'], stats });
    sockets[0].readyState = 1;
    sockets[0].onopen?.({});
    const {
      availability: _cells,
      peerStats: _peers,
      ...view
    } = {
      infoHashHex: T,
      name: 'moving',
      uploaded: 5,
      downloaded: 7,
      left: 3,
      have: 1,
      pieceCount: 4,
    } as TorrentView;
    worker.emit({ type: 'torrents', torrents: [view] });
    bridge.shutdown();
    expect(JSON.parse(sockets[0].sent.at(-1)!)).toMatchObject({
      event: 'stopped',
      uploaded: 5,
      downloaded: 7,
      left: 3,
    });
  });

  describe('when the worker fails', () => {
    function events() {
      const log = { fatal: [] as string[], restarted: [] as string[], torrents: [] as TorrentView[][] };
      const listener: BridgeListener = {
        fatal: (text) => log.fatal.push(text),
        restarted: (text) => log.restarted.push(text),
        torrents: (torrents) => log.torrents.push(torrents),
      };
      return { log, listener };
    }

    it('rejects every pending request with the reason and starts a new worker whose torrents reach the UI', async () => {
      const { log, listener } = events();
      const { worker, bridge, replacements } = setup(listener);
      worker.emit({ type: 'ready', restored: 1 });
      const saving = bridge.call({ op: 'get-file', infoHashHex: T, fileIndex: 0 });
      const sharing = bridge.call({ op: 'share', files: [], name: 'files' });
      worker.fail('out of memory');
      await expect(saving).rejects.toThrow(WorkerFailedError);
      await expect(sharing).rejects.toThrow('The engine stopped: out of memory');
      expect(worker.terminated).toBe(true);
      expect(replacements).toHaveLength(1);
      expect(log.restarted).toEqual(['out of memory']);
      expect(log.fatal).toEqual([]);
      // The new worker loads its records from storage and lists them; the UI gets that list.
      const next = replacements[0];
      next.emit({ type: 'ready', restored: 1 });
      const {
        availability: _cells,
        peerStats: _peers,
        ...view
      } = {
        infoHashHex: T,
        name: 'reloaded',
      } as TorrentView;
      next.emit({ type: 'torrents', torrents: [{ ...view, availability: { full: [-1, 0] } }] });
      expect(log.torrents.at(-1)).toEqual([{ ...view, availability: [-1, 0], peerStats: [] }]);
      // Requests go to the new worker; late messages of the old one are ignored.
      const again = bridge.call({ op: 'get-file', infoHashHex: T, fileIndex: 0 });
      const request = next.posted.at(-1) as ActionMessage;
      expect(request.call.op).toBe('get-file');
      worker.emit({ type: 'torrents', torrents: [] });
      expect(log.torrents.at(-1)).toEqual([{ ...view, availability: [-1, 0], peerStats: [] }]);
      const blob = new Blob(['x']);
      next.emit({ type: 'reply', requestId: request.requestId, ok: true, value: blob });
      await expect(again).resolves.toBe(blob);
    });

    it('treats an unreadable message as a failure', async () => {
      const { log, listener } = events();
      const { worker, bridge, replacements } = setup(listener);
      worker.emit({ type: 'ready', restored: 0 });
      const pending = bridge.call({ op: 'add-magnet', link: 'magnet:?xt=urn:btih:' + T });
      worker.onmessageerror?.({} as MessageEvent);
      await expect(pending).rejects.toThrow(WorkerFailedError);
      expect(replacements).toHaveLength(1);
      expect(log.restarted).toHaveLength(1);
    });

    it('reports a worker that fails before it is ready instead of restarting it', async () => {
      const { log, listener } = events();
      const { worker, bridge, replacements } = setup(listener);
      const pending = bridge.call({ op: 'add-magnet', link: 'magnet:?xt=urn:btih:' + T });
      worker.fail('could not load the script');
      await expect(pending).rejects.toThrow(WorkerFailedError);
      expect(replacements).toHaveLength(0);
      expect(log.fatal).toEqual(['could not load the script']);
    });

    it('stops restarting a worker that keeps failing', () => {
      const { log, listener } = events();
      const { worker, replacements } = setup(listener);
      let current = worker;
      for (let i = 0; i < 5; i++) {
        current.emit({ type: 'ready', restored: 0 });
        current.fail('crash');
        current = replacements.at(-1) ?? current;
      }
      expect(replacements).toHaveLength(3);
      expect(log.fatal).toEqual(['crash']);
    });
  });

  it('tells the worker when relay-only offers get no route from the relay, naming it, and takes it back once relay-only is off', async () => {
    const relay = 'turn:127.0.0.1:9?transport=udp';
    const { worker, sockets, bridge } = setup(
      {},
      {
        iceServers: [{ urls: 'stun:127.0.0.1:9' }, { urls: [relay], username: 'u', credential: 'c' }],
        relayOnly: true,
        // Offers that gathered nothing: the relay gave no candidate.
        createInstance: () => ({
          destroyed: false,
          once: (_event: 'signal', listener: (data: unknown) => void) =>
            queueMicrotask(() => listener({ type: 'offer', sdp: 'v=0\r\n' })),
          on: () => undefined,
          signal: () => undefined,
          destroy: () => undefined,
        }),
      },
    );
    worker.emit({ type: 'ready', restored: 0 });
    worker.emit({ type: 'torrent-active', infoHashHex: T, trackers: ['ws://home/'], stats });
    sockets[0].readyState = 1;
    sockets[0].onopen?.({});
    const reach = () => worker.posted.filter((m) => m.type === 'reachability');
    await vi.waitFor(() =>
      expect(reach()).toEqual([
        { type: 'reachability', infoHashHex: T, problem: `The relay server ${relay} did not answer` },
      ]),
    );
    bridge.setRelayOnly(false);
    expect(reach().at(-1)).toEqual({ type: 'reachability', infoHashHex: T });
    expect(relayUrls([{ urls: 'stun:a' }, { urls: ['turn:b', 'turns:c'] }])).toEqual(['turn:b', 'turns:c']);
    bridge.shutdown();
  });
});
