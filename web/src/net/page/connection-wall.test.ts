// A soak of many shares in one tab against Chromium's wall: a fake RTCPeerConnection that, like Chromium's, refuses
// a page its 501st connection, counting closed ones until they are collected. Forty torrents announce with offers,
// and the tracker answers them and relays other peers' offers without end; the page never meets the wall.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { MainToWorker, WorkerToMain } from '../../lib/messages/protocol';
import { ConnectionBudget } from './connection-budget';
import { EngineBridge, type WorkerLike } from './engine-bridge';
import type { PeerInstance } from './simple-peer-connection';
import { bin, FakeSocket } from './testing/tracker-fakes';

/** Chromium's count of a page's RTCPeerConnections: open ones, and closed ones until garbage collection. */
class Browser {
  static readonly WALL = 500;
  counted = 0;
  uncollected = 0;
  refusals = 0;
  highest = 0;
  create(): { close(): void } {
    if (this.counted >= Browser.WALL) {
      this.refusals++;
      throw new Error('Cannot create so many PeerConnections');
    }
    this.counted++;
    this.highest = Math.max(this.highest, this.counted);
    let closed = false;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.uncollected++;
      },
    };
  }
  collect(): void {
    this.counted -= this.uncollected;
    this.uncollected = 0;
  }
}

class FakeChannel {
  bufferedAmount = 0;
  readyState = 'open';
  send(): void {}
  addEventListener(): void {}
  removeEventListener(): void {}
}

let nextSdp = 0;

/** simple-peer over the fake browser: a refused constructor destroys the peer with an error, as simple-peer does. */
class FakeSimplePeer extends EventEmitter {
  destroyed = false;
  _channel: FakeChannel | undefined;
  private pc: { close(): void } | undefined;
  constructor(
    browser: Browser,
    private readonly initiator: boolean,
  ) {
    super();
    try {
      this.pc = browser.create();
    } catch (error) {
      queueMicrotask(() => this.fail(error as Error));
    }
  }
  override once(event: string, listener: (...args: unknown[]) => void): this {
    super.once(event, listener);
    if (event === 'signal' && this.initiator && this.pc)
      queueMicrotask(() => this.emit('signal', { type: 'offer', sdp: `o${nextSdp++}` }));
    return this;
  }
  signal(data: SignalDescription): void {
    if (this.destroyed) return;
    if (data.type === 'offer')
      queueMicrotask(() => this.emit('signal', { type: 'answer', sdp: `a${nextSdp++}` }));
    queueMicrotask(() => this.open());
  }
  private open(): void {
    if (this.destroyed) return;
    this._channel = new FakeChannel();
    this.emit('connect');
  }
  private fail(error: Error): void {
    this.emit('error', error);
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pc?.close();
    queueMicrotask(() => this.emit('close'));
  }
}

class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<WorkerToMain>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  /** Each torrent's open connections, oldest first, as the page reported them. */
  readonly connected = new Map<string, string[]>();
  postMessage(message: MainToWorker): void {
    if (message.type === 'peer-connected') {
      const keys = this.connected.get(message.infoHashHex) ?? [];
      keys.push(message.peer);
      this.connected.set(message.infoHashHex, keys);
    } else if (message.type === 'peer-closed') {
      const keys = this.connected.get(message.infoHashHex) ?? [];
      this.connected.set(
        message.infoHashHex,
        keys.filter((key) => key !== message.peer),
      );
    }
  }
  emit(message: WorkerToMain): void {
    this.onmessage?.({ data: message } as MessageEvent<WorkerToMain>);
  }
}

const TORRENTS = 40;
const hashOf = (i: number) => i.toString(16).padStart(40, '0');
const remoteId = (n: number) => bin(n.toString(16).padStart(40, '0'));
let nextRemote = 1;

/** The tracker's side: each announce gets a reply, an answer to each of its offers and two offers of strangers. */
function playTracker(socket: FakeSocket): void {
  for (const message of socket.sent.splice(0)) {
    if (message.action !== 'announce' || message.answer !== undefined) continue;
    const info_hash = message.info_hash as string;
    socket.receive({ action: 'announce', info_hash, interval: 120, complete: 30, incomplete: 90 });
    const offers = (message.offers ?? []) as Array<{ offer_id: string }>;
    for (const { offer_id } of offers) {
      const peer_id = remoteId(nextRemote++);
      socket.receive({
        action: 'announce',
        info_hash,
        peer_id,
        offer_id,
        answer: { type: 'answer', sdp: 'a' },
      });
    }
    for (let i = 0; i < 2; i++) {
      const peer_id = remoteId(nextRemote++);
      const offer_id = remoteId(nextRemote++);
      socket.receive({
        action: 'announce',
        info_hash,
        peer_id,
        offer_id,
        offer: { type: 'offer', sdp: 'o' },
      });
    }
  }
}

/** Forty shares for five simulated minutes (until the first refusal, if any), the engine wanting peers for each every ten seconds, and connections
 * dropped by the engine now and then; the browser collects closed connections every ten seconds. */
async function soak(budget: ConnectionBudget | undefined): Promise<Browser> {
  const browser = new Browser();
  const worker = new FakeWorker();
  const sockets: FakeSocket[] = [];
  const bridge = new EngineBridge({
    worker,
    iceServers: [],
    defaultTrackers: ['ws://tracker/'],
    listener: {},
    channelsInWorker: false,
    // The most offers an announce makes: as in a swarm of WebTorrent clients, which peer exchange cannot spare.
    peerExchange: false,
    ...(budget ? { connectionBudget: budget } : {}),
    createInstance: ({ initiator }) => new FakeSimplePeer(browser, initiator) as unknown as PeerInstance,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  worker.emit({ type: 'ready', restored: 0 });
  const stats = { uploaded: 0, downloaded: 0, left: 100 };
  for (let i = 0; i < TORRENTS; i++)
    worker.emit({ type: 'torrent-active', infoHashHex: hashOf(i), trackers: ['ws://tracker/'], stats });
  sockets[0]!.open();
  for (let second = 0; second < 300 && browser.refusals === 0; second++) {
    await vi.advanceTimersByTimeAsync(1000);
    playTracker(sockets[0]!);
    await vi.advanceTimersByTimeAsync(0);
    if (second % 10 === 0) {
      browser.collect();
      for (let i = 0; i < TORRENTS; i++)
        worker.emit({ type: 'want-peers', infoHashHex: hashOf(i), count: 50 });
    }
    if (second % 30 === 0) closeOldest(worker);
  }
  bridge.shutdown();
  return browser;
}

/** The engine drops the oldest connection of each torrent, as it does a peer it no longer wants. */
function closeOldest(worker: FakeWorker): void {
  for (const [infoHashHex, keys] of worker.connected) {
    const peer = keys.shift();
    if (peer !== undefined) worker.emit({ type: 'close', infoHashHex, peer, reason: 'unwanted' });
  }
}

describe("the page's connections against Chromium's wall", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('never meets it with forty shares announcing at once, and keeps connecting', async () => {
    const budget = new ConnectionBudget();
    const browser = await soak(budget);
    expect(browser.refusals).toBe(0);
    expect(browser.highest).toBeLessThan(Browser.WALL);
    expect(browser.highest).toBeGreaterThan(budget.limit / 2);
    expect(budget.used).toBe(0);
  });

  it('meets it without a bound across the torrents (what the test can see)', async () => {
    const browser = await soak(new ConnectionBudget(10_000));
    expect(browser.refusals).toBeGreaterThan(0);
  });
});
