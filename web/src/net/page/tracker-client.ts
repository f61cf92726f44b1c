// The WebTorrent WebSocket tracker client: one socket per tracker URL, shared by every torrent of the tab.
// Announces with WebRTC offers (tracker-offers.ts), answers the offers the tracker relays and routes answers back to
// the pending offer (tracker-replies.ts), re-announces on the tracker's interval and reconnects with backoff. A dead
// tracker never stops the others: each URL has its own socket, timers and offers (tracker-announcer.ts).
// Pure protocol logic: the WebSocket and the WebRTC peers are injected (tracker-hooks.ts), so Vitest drives it with
// fakes.
import {
  hexToBinary,
  MAX_OFFERS_PER_ANNOUNCE,
  parseServerMessage,
  type WireOffer,
} from '../../../../shared/codec/tracker-protocol';
import { usableTrackers, type TrackerStatus } from '../../lib/links/trackers';
import {
  Announcer,
  announceMessage,
  closeQuietly,
  OPEN,
  torrentStatus,
  TrackerSocket,
  truncatedV2,
  updateStatus,
  type AnnounceEvent,
  type AnnounceOptions,
} from './tracker-announcer';
import type { SignalPeer, SocketLike, TrackerClientOptions } from './tracker-hooks';
import { makePeerId, secureRandomBytes } from './tracker-ids';
import { makeOffers } from './tracker-offers';
import { renewPeerId, type RenewalContext } from './tracker-renewal';
import { handleReply, type ReplyContext } from './tracker-replies';

export { usableTrackers, type TrackerState, type TrackerStatus } from '../../lib/links/trackers';
export type { AnnounceOptions } from './tracker-announcer';
export type {
  AnnounceNumbers,
  SignalPeer,
  SocketLike,
  TrackerClientOptions,
  TrackerHooks,
} from './tracker-hooks';
export { makePeerId, secureRandomBytes } from './tracker-ids';

/** How long the tracker's count of a swarm is trusted to say we are connected to everyone in it (ms). */
export const COUNT_FRESH_MS = 30_000;

export class TrackerClient<P extends SignalPeer> {
  private readonly sockets = new Map<string, TrackerSocket<P>>();
  /** Peers wanted per torrent (the worker's want-peers). */
  private readonly want = new Map<string, number>();
  private readonly random: () => number;
  private readonly randomBytes: (n: number) => Uint8Array;
  private readonly offerTimeoutMs: number;
  private readonly offerGatherTimeoutMs: number;
  private readonly defaultIntervalMs: number;
  private readonly maxOffers: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly minWantAnnounceMs: number;

  /** What the tracker's replies act on (tracker-replies.ts). */
  private readonly replies: ReplyContext<P>;

  constructor(private readonly options: TrackerClientOptions<P>) {
    this.random = options.random ?? Math.random;
    this.randomBytes = options.randomBytes ?? secureRandomBytes;
    this.offerTimeoutMs = options.offerTimeoutMs ?? 50_000;
    this.offerGatherTimeoutMs = options.offerGatherTimeoutMs ?? 10_000;
    this.defaultIntervalMs = options.defaultIntervalMs ?? 120_000;
    // Trackers refuse an announce of more (ours, and libtorrent 2.1 generates at most 10 a torrent).
    this.maxOffers = Math.min(options.maxOffers ?? 5, MAX_OFFERS_PER_ANNOUNCE);
    this.minBackoffMs = options.minBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.minWantAnnounceMs = options.minWantAnnounceMs ?? 10_000;
    const renewal: RenewalContext<P> = {
      numbers: (infoHashHex) => options.numbers(infoHashHex),
      randomBytes: (n) => this.randomBytes(n),
      send: (socket, message) => this.send(socket, message),
      setStatus: (announcer, status) => this.setStatus(announcer, status),
      announce: (socket, announcer) => void this.announce(socket, announcer, undefined),
    };
    this.replies = {
      isOwnPeerId: (peerId) => this.isOwnPeerId(peerId),
      peerIdInUse: (socket, announcer) => renewPeerId(renewal, socket, announcer),
      hooks: options,
      setStatus: (announcer, status) => this.setStatus(announcer, status),
      schedule: (socket, announcer) => this.schedule(socket, announcer),
      followAlias: (socket, announcer, bound) => this.followAlias(socket, announcer, bound),
      send: (socket, message) => this.send(socket, message),
    };
  }

  /** Starts announcing a torrent to each of its trackers (event `started`). */
  start(infoHashHex: string, trackers: readonly string[], options: AnnounceOptions = {}): void {
    const urls = usableTrackers(trackers);
    const alias = options.infoHashV2 === undefined ? undefined : truncatedV2(options.infoHashV2);
    for (const url of urls) {
      const socket = this.socketOf(url);
      const announcer = new Announcer<P>(infoHashHex, url, this.defaultIntervalMs, alias);
      // Its own id on each tracker: a stranger who meets the tab in one swarm learns nothing for another.
      announcer.peerId = makePeerId(this.randomBytes);
      const existing = socket.announcers.get(announcer.infoHashBinary);
      if (existing) this.startAgain(socket, existing, alias);
      else this.join(socket, announcer);
    }
  }

  private socketOf(url: string): TrackerSocket<P> {
    let socket = this.sockets.get(url);
    if (!socket) {
      socket = new TrackerSocket<P>(url);
      this.sockets.set(url, socket);
    }
    return socket;
  }

  /** Started again with an alias it lacked (a torrent joined by a link turned out hybrid): the alias is named from
   * the next announce, which goes now, with offers only when the last ones went longer than the want window ago. */
  private startAgain(socket: TrackerSocket<P>, existing: Announcer<P>, alias: string | undefined): void {
    if (alias === undefined || existing.alias !== undefined || existing.announcesFor) return;
    existing.alias = alias;
    const now = Date.now();
    const offering = now - existing.lastWantAnnounce >= this.minWantAnnounceMs;
    if (socket.open) void this.announce(socket, existing, undefined, now, offering);
  }

  /** A torrent's announcer on a tracker: `started` at once on an open socket, else when it opens. */
  private join(socket: TrackerSocket<P>, announcer: Announcer<P>): void {
    socket.announcers.set(announcer.infoHashBinary, announcer);
    if (socket.open) {
      this.setStatus(announcer, { state: 'connected' });
      void this.announce(socket, announcer, 'started');
    } else if (!socket.socket && socket.reconnectTimer === undefined) {
      this.connect(socket);
    } else {
      this.setStatus(
        announcer,
        socket.reconnectTimer !== undefined
          ? { state: 'unreachable', message: socket.lastError }
          : { state: 'connecting' },
      );
    }
  }

  /** Stops a torrent: announces `stopped` to its trackers and forgets it. */
  stop(infoHashHex: string): void {
    const infoHashBinary = hexToBinary(infoHashHex);
    for (const socket of [...this.sockets.values()]) {
      const announcer = socket.announcers.get(infoHashBinary);
      if (!announcer) continue;
      this.retire(socket, announcer);
    }
    this.want.delete(infoHashHex);
  }

  /** An event from the engine (`completed`, or a forced update). */
  announceEvent(infoHashHex: string, event: 'completed' | 'started' | 'stopped' | undefined): void {
    if (event === 'stopped') return this.stop(infoHashHex);
    for (const [socket, announcer] of this.announcersOf(infoHashHex)) {
      if (!socket.open) continue;
      if (event === 'completed') this.send(socket, this.announceMessage(announcer, 'completed'));
      else void this.announce(socket, announcer, event);
    }
  }

  /** The engine wants `count` more peers for the torrent: offers go out now (rate-limited) and on each interval. */
  wantPeers(infoHashHex: string, count: number, now = Date.now()): void {
    const previous = this.want.get(infoHashHex) ?? 0;
    this.want.set(infoHashHex, Math.max(0, count));
    if (count <= 0) return;
    for (const [socket, announcer] of this.announcersOf(infoHashHex)) {
      if (!socket.open || announcer.preparing) continue;
      if (announcer.offers.size >= Math.min(count, this.maxOffers)) continue;
      if (now - announcer.lastWantAnnounce < this.minWantAnnounceMs && previous > 0) continue;
      const metEveryone = this.metEveryone(announcer);
      // The count is the tracker's last reply's: once it is older than COUNT_FRESH_MS, an announce without offers
      // asks again, and the next want offers if the swarm grew.
      if (metEveryone && now - announcer.countedAt < COUNT_FRESH_MS) continue;
      announcer.lastWantAnnounce = now;
      void this.announce(socket, announcer, undefined, now, !metEveryone);
    }
  }

  /** The swarm's count includes us: when we already talk to everyone else, fresh offers would find no one. */
  private metEveryone(announcer: Announcer<P>): boolean {
    const { complete, incomplete } = announcer.status;
    const connected = this.options.connectedCount?.(announcer.infoHashHex);
    if (complete === undefined || incomplete === undefined || connected === undefined) return false;
    return connected >= complete + incomplete - 1;
  }

  /** The page is going away: `stopped` everywhere, synchronously, then close every socket. */
  shutdown(): void {
    for (const socket of this.sockets.values()) {
      for (const announcer of [...socket.announcers.values()]) {
        if (!announcer.stopped) this.retire(socket, announcer, false);
      }
      this.closeSocket(socket);
    }
    this.sockets.clear();
  }

  /** Tracker states of a torrent, for the UI. */
  statuses(infoHashHex: string): TrackerStatus[] {
    return this.announcersOf(infoHashHex)
      .filter(([, announcer]) => !announcer.announcesFor)
      .map(([, announcer]) => torrentStatus(announcer));
  }

  /** The peer id a torrent announces to a tracker (undefined when it does not announce there). */
  peerIdOf(infoHashHex: string, url: string): string | undefined {
    return this.sockets.get(url)?.announcers.get(hexToBinary(infoHashHex))?.peerId;
  }

  /** Whether a tracker names one of our torrents' peer ids (our own offer, relayed back). */
  private isOwnPeerId(peerId: string): boolean {
    for (const socket of this.sockets.values()) {
      for (const announcer of socket.announcers.values()) if (announcer.peerId === peerId) return true;
    }
    return false;
  }

  /** Pending (unanswered) offers of a torrent, over all its trackers. */
  pendingOffers(infoHashHex: string): number {
    let n = 0;
    for (const [, announcer] of this.announcersOf(infoHashHex)) n += announcer.offers.size;
    return n;
  }

  private announcersOf(infoHashHex: string): Array<[TrackerSocket<P>, Announcer<P>]> {
    const infoHashBinary = hexToBinary(infoHashHex);
    const out: Array<[TrackerSocket<P>, Announcer<P>]> = [];
    for (const socket of this.sockets.values()) {
      const announcer = socket.announcers.get(infoHashBinary);
      if (announcer) out.push([socket, announcer]);
      if (announcer?.v2Alone) out.push([socket, announcer.v2Alone]);
    }
    return out;
  }

  /** Sockets waiting out their backoff connect now, as if for the first time (the tracker is known to be back). */
  retryNow(): void {
    for (const socket of this.sockets.values()) {
      if (socket.reconnectTimer === undefined || socket.closed) continue;
      clearTimeout(socket.reconnectTimer);
      socket.retries = 0;
      this.connect(socket);
    }
  }

  private connect(socket: TrackerSocket<P>): void {
    socket.reconnectTimer = undefined;
    for (const announcer of socket.announcers.values()) this.setStatus(announcer, { state: 'connecting' });
    let ws: SocketLike;
    try {
      ws = this.options.createSocket(socket.url);
    } catch (error) {
      this.onSocketDown(socket, undefined, error instanceof Error ? error.message : String(error));
      return;
    }
    socket.socket = ws;
    ws.onopen = () => {
      if (socket.socket !== ws) return;
      socket.retries = 0;
      for (const announcer of socket.announcers.values()) {
        this.setStatus(announcer, { state: 'connected' });
        void this.announce(socket, announcer, 'started');
      }
    };
    ws.onmessage = (event) => {
      if (socket.socket !== ws) return;
      if (typeof event.data !== 'string') return;
      this.onMessage(socket, event.data);
    };
    ws.onerror = () => this.onSocketDown(socket, ws, 'connection failed');
    ws.onclose = () => this.onSocketDown(socket, ws, 'connection closed');
  }

  private onSocketDown(socket: TrackerSocket<P>, ws: SocketLike | undefined, reason: string): void {
    if (ws !== undefined && socket.socket !== ws) return;
    if (ws) closeQuietly(ws);
    socket.socket = undefined;
    socket.lastError = `tracker unreachable (${reason})`;
    for (const announcer of socket.announcers.values()) {
      clearTimeout(announcer.timer);
      announcer.timer = undefined;
      // A claim's reply, too: the next connection starts afresh.
      announcer.claiming = false;
      // Answers to these offers could only come through this socket.
      announcer.dropOffers();
      this.setStatus(announcer, { state: 'unreachable', message: socket.lastError });
    }
    if (socket.closed || socket.announcers.size === 0) {
      this.sockets.delete(socket.url);
      return;
    }
    const base = Math.min(this.minBackoffMs * 2 ** socket.retries, this.maxBackoffMs);
    const delay = base / 2 + this.random() * (base / 2);
    socket.retries++;
    clearTimeout(socket.reconnectTimer);
    socket.reconnectTimer = setTimeout(() => this.connect(socket), delay);
  }

  private closeSocket(socket: TrackerSocket<P>): void {
    socket.closed = true;
    clearTimeout(socket.reconnectTimer);
    socket.reconnectTimer = undefined;
    const ws = socket.socket;
    socket.socket = undefined;
    if (ws) closeQuietly(ws);
  }

  /** Announces `stopped` for a torrent's announcer (and its v2Alone) and forgets them. */
  private retire(socket: TrackerSocket<P>, announcer: Announcer<P>, closeIdle = true): void {
    const alone = announcer.v2Alone;
    if (alone) {
      announcer.v2Alone = undefined;
      this.retire(socket, alone, false);
    }
    this.send(socket, this.announceMessage(announcer, 'stopped'));
    this.dropAnnouncer(socket, announcer, closeIdle);
  }

  /**
   * After a hybrid torrent's announce reply: when the tracker serves both hashes as one swarm (it names the alias
   * back), nothing more; otherwise the v2 hash is announced on its own too, once.
   */
  private followAlias(socket: TrackerSocket<P>, announcer: Announcer<P>, bound: boolean): void {
    if (announcer.alias === undefined || announcer.announcesFor) return;
    if (bound) {
      // No `stopped` for it: in a swarm under both hashes, that would take our one peer out of it.
      if (announcer.v2Alone) this.dropAnnouncer(socket, announcer.v2Alone, false);
      announcer.v2Alone = undefined;
      return;
    }
    // Another torrent of this tab may already announce that hash (a btmh link to the same files): it speaks for it.
    if (announcer.v2Alone || socket.announcers.has(announcer.alias)) return;
    const alone = new Announcer<P>(
      announcer.infoHashHex,
      announcer.url,
      announcer.intervalMs,
      undefined,
      announcer,
    );
    announcer.v2Alone = alone;
    socket.announcers.set(alone.infoHashBinary, alone);
    void this.announce(socket, alone, 'started');
  }

  private dropAnnouncer(socket: TrackerSocket<P>, announcer: Announcer<P>, closeIdle = true): void {
    announcer.stopped = true;
    clearTimeout(announcer.timer);
    announcer.dropOffers();
    socket.announcers.delete(announcer.infoHashBinary);
    if (closeIdle && socket.announcers.size === 0) {
      this.closeSocket(socket);
      this.sockets.delete(socket.url);
    }
  }

  private setStatus(announcer: Announcer<P>, status: Omit<TrackerStatus, 'url'>): void {
    if (!updateStatus(announcer, status)) return;
    const torrent = announcer.announcesFor ?? announcer;
    this.options.status?.(torrent.infoHashHex, torrentStatus(torrent));
  }

  private announceMessage(announcer: Announcer<P>, event: AnnounceEvent, offers: WireOffer[] = []) {
    return announceMessage(announcer, this.options.numbers(announcer.infoHashHex), event, offers);
  }

  /** Sends an announce with fresh offers (for the peers wanted, unless not `offering`), and schedules the next one;
   * `now`: when it is made (the caller's clock). */
  private async announce(
    socket: TrackerSocket<P>,
    announcer: Announcer<P>,
    event: 'started' | 'completed' | undefined,
    now = Date.now(),
    offering = true,
  ): Promise<void> {
    if (announcer.preparing) return;
    announcer.preparing = true;
    clearTimeout(announcer.timer);
    announcer.timer = undefined;
    const wanted = this.want.get(announcer.infoHashHex) ?? this.maxOffers;
    const asked = event === 'completed' || !offering ? 0 : Math.min(wanted, this.maxOffers);
    const count = this.options.offerRoom ? this.options.offerRoom(announcer.infoHashHex, asked) : asked;
    let offers: WireOffer[];
    try {
      offers = await makeOffers(announcer, count, {
        createPeer: this.options.createPeer,
        randomBytes: this.randomBytes,
        gatherTimeoutMs: this.offerGatherTimeoutMs,
        answerTimeoutMs: this.offerTimeoutMs,
      });
    } finally {
      announcer.preparing = false;
    }
    if (announcer.stopped || !socket.open || socket.announcers.get(announcer.infoHashBinary) !== announcer) {
      return;
    }
    this.send(socket, this.announceMessage(announcer, event, offers));
    // Any announce that made offers starts the window: the engine's want soon after (its first connections) waits.
    if (offers.length > 0) announcer.lastWantAnnounce = now;
    this.schedule(socket, announcer);
  }

  private schedule(socket: TrackerSocket<P>, announcer: Announcer<P>): void {
    clearTimeout(announcer.timer);
    announcer.timer = setTimeout(() => {
      announcer.timer = undefined;
      if (socket.open && !announcer.stopped) void this.announce(socket, announcer, undefined);
    }, announcer.intervalMs);
  }

  private send(socket: TrackerSocket<P>, message: Record<string, unknown>): void {
    if (!socket.socket || socket.socket.readyState !== OPEN) return;
    try {
      socket.socket.send(JSON.stringify(message));
    } catch {
      // the close handler reconnects
    }
  }

  private onMessage(socket: TrackerSocket<P>, text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) {
      // A malformed message from the tracker is ignored, except when it names a torrent: show it there.
      const announcer = parsed.infoHash ? socket.announcers.get(parsed.infoHash) : undefined;
      if (announcer) this.setStatus(announcer, { state: 'failure', message: parsed.error });
      return;
    }
    handleReply(this.replies, socket, parsed.message);
  }
}
