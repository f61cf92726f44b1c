import { describe, expect, it } from 'vitest';
import type { MainToWorker, WorkerToMain } from '../lib/protocol';
import { EngineBridge, RequestError, type WorkerLike } from './engine-bridge';
import type { SocketLike } from './tracker-client';

class FakeWorker implements WorkerLike {
  posted: MainToWorker[] = [];
  onmessage: ((event: MessageEvent<WorkerToMain>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
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

function setup() {
  const worker = new FakeWorker();
  const sockets: FakeSocket[] = [];
  const bridge = new EngineBridge({
    worker,
    iceServers: [],
    defaultTrackers: ['ws://home/'],
    listener: {},
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
  });
  return { worker, sockets, bridge };
}

const T = 'cd'.repeat(20);
const stats = { uploaded: 0, downloaded: 0, left: 10 };

describe('EngineBridge', () => {
  it('matches replies to requests and turns failures into errors', async () => {
    const { worker, bridge } = setup();
    const added = bridge.addMagnet('magnet:?xt=urn:btih:' + T);
    const bad = bridge.addMagnet('nonsense');
    const [first, second] = worker.posted as Array<Extract<MainToWorker, { type: 'add-magnet' }>>;
    expect(first.defaultTrackers).toEqual(['ws://home/']);
    worker.emit({ type: 'reply', requestId: second.requestId, ok: false, error: 'not a magnet link' });
    worker.emit({ type: 'reply', requestId: first.requestId, ok: true, infoHashHex: T });
    await expect(added).resolves.toBe(T);
    await expect(bad).rejects.toThrow(RequestError);
  });

  it('starts tracker clients for active torrents once the worker is ready, with its peer id', () => {
    const { worker, sockets } = setup();
    worker.emit({ type: 'torrent-active', infoHashHex: T, trackers: ['ws://t1/', 'ws://t2/'], stats });
    expect(sockets).toHaveLength(0);
    worker.emit({ type: 'ready', restored: 0, peerIdHex: '2d53443031303030' + '11'.repeat(12) });
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
});
