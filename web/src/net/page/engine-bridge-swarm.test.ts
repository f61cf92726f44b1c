import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { MainToWorker, TorrentView, WorkerToMain } from '../../lib/messages/protocol';
import { EngineBridge, type WorkerLike } from './engine-bridge';
import type { PeerInstance } from './simple-peer-connection';
import { FakeSocket, settle } from './testing/tracker-fakes';

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

let sdp = 0;
/** simple-peer with trickle off: an initiator's offer comes once it is asked for. */
class FakeInstance extends EventEmitter {
  destroyed = false;
  signalled: SignalDescription[] = [];
  constructor(readonly initiator: boolean) {
    super();
  }
  override once(event: string, listener: (...args: unknown[]) => void): this {
    super.once(event, listener);
    if (event === 'signal' && this.initiator)
      queueMicrotask(() => this.emit('signal', { type: 'offer', sdp: `v=0 ${sdp++}` }));
    return this;
  }
  signal(data: SignalDescription): void {
    this.signalled.push(data);
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

const T = 'cd'.repeat(20);
const P = '11'.repeat(20);
const stats = { uploaded: 0, downloaded: 0, left: 10 };

function setup(peerExchange?: boolean) {
  const worker = new FakeWorker();
  const sockets: FakeSocket[] = [];
  const instances: FakeInstance[] = [];
  const bridge = new EngineBridge({
    worker,
    iceServers: [],
    defaultTrackers: ['ws://home/'],
    listener: {},
    channelsInWorker: false,
    peerExchange,
    createInstance: ({ initiator }) => {
      const instance = new FakeInstance(initiator);
      instances.push(instance);
      return instance as unknown as PeerInstance;
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  worker.emit({ type: 'ready', restored: 0 });
  worker.emit({ type: 'torrent-active', infoHashHex: T, trackers: ['ws://t1/'], stats });
  return { worker, sockets, instances, bridge };
}

/** The offers the latest announce carried. */
const offersSent = (socket: FakeSocket) => (socket.sent.at(-1)?.offers as unknown[] | undefined)?.length ?? 0;

describe("EngineBridge's peer exchange", () => {
  it("makes the engine's meetings and hands their descriptions both ways", async () => {
    const { worker, instances } = setup();
    worker.emit({ type: 'meet-peer', infoHashHex: T, peer: P });
    await settle();
    const out = worker.posted.find((message) => message.type === 'signal-out');
    expect(out).toMatchObject({ type: 'signal-out', infoHashHex: T, to: P, kind: 'offer' });
    worker.emit({
      type: 'signal-in',
      infoHashHex: T,
      from: P,
      kind: 'answer',
      payload: new TextEncoder().encode('v=0 answer').buffer,
    });
    expect(instances[0]!.signalled).toEqual([{ type: 'answer', sdp: 'v=0 answer' }]);
    worker.emit({ type: 'meet-ended', infoHashHex: T, peer: P });
    expect(instances[0]!.destroyed).toBe(true);
  });

  it('makes first contact with every offer wanted when its engine does not speak peer exchange', async () => {
    const { sockets } = setup(false);
    sockets[0]!.open();
    await settle();
    expect(offersSent(sockets[0]!)).toBe(5);
  });

  it('makes first contact with a couple of offers, keeps to them with neighbours, and asks none the swarm brings', async () => {
    const { worker, sockets } = setup();
    sockets[0]!.open();
    await settle();
    expect(offersSent(sockets[0]!)).toBe(2);
    const {
      availability: _cells,
      peerStats: _peers,
      ...view
    } = {
      infoHashHex: T,
      name: 'shared',
      neighbours: 2,
    } as TorrentView;
    worker.emit({ type: 'torrents', torrents: [view] });
    worker.emit({ type: 'announce', infoHashHex: T, stats });
    await settle();
    expect(offersSent(sockets[0]!)).toBe(2);
    worker.emit({ type: 'want-peers', infoHashHex: T, count: 4, swarm: 4 });
    worker.emit({ type: 'announce', infoHashHex: T, stats });
    await settle();
    expect(offersSent(sockets[0]!)).toBe(0);
  });
});
