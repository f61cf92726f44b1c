// The WebTorrent WebSocket tracker client: one socket per tracker URL, shared by every torrent of the tab.
// Announces with WebRTC offers, answers the offers the tracker relays, routes answers back to the pending
// offer, re-announces on the tracker's interval and reconnects with backoff. A dead tracker never stops the
// others: each URL has its own socket, timers and offers.
// Pure protocol logic: the WebSocket and the WebRTC peers are injected, so Vitest drives it with fakes.
import {
  binaryToHex,
  hexToBinary,
  parseServerMessage,
  type ServerMessage,
  type SignalDescription,
  type WireOffer,
} from '../../../shared/codec/tracker-protocol';
import { usableTrackers, type TrackerStatus } from '../lib/trackers';

export { usableTrackers, type TrackerState, type TrackerStatus } from '../lib/trackers';

/** The parts of a browser WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** The parts of a simple-peer the client uses for signalling (trickle off: one signal per side). */
export interface SignalPeer {
  once(event: 'signal', listener: (data: SignalDescription) => void): unknown;
  signal(data: SignalDescription): void;
  destroy(): void;
  readonly destroyed: boolean;
}

export interface AnnounceNumbers {
  uploaded: number;
  downloaded: number;
  /** Bytes left, or null when unknown (a magnet link before its metadata). */
  left: number | null;
}

export interface TrackerHooks<P extends SignalPeer> {
  /** Creates a WebRTC peer for a torrent (the connection manager registers and wires it). */
  createPeer(infoHashHex: string, initiator: boolean): P;
  /**
   * The tracker matched a peer with a remote peer: an offer arrived (before answering) or an answer arrived
   * for one of our offers. Return false to refuse (already connected to that peer, or too many connections);
   * the client then destroys the peer.
   */
  matched(infoHashHex: string, peer: P, remotePeerIdHex: string, initiator: boolean): boolean;
  /** Whether to answer another incoming offer for the torrent (connection cap). */
  acceptsOffer(infoHashHex: string, remotePeerIdHex: string): boolean;
  /** Current transfer numbers for an announce. */
  numbers(infoHashHex: string): AnnounceNumbers;
  /** A tracker's state changed for a torrent. */
  status?(infoHashHex: string, status: TrackerStatus): void;
  /** Open connections of the torrent: no offers go to a tracker whose swarm has nobody else to meet. */
  connectedCount?(infoHashHex: string): number;
}

export interface TrackerClientOptions<P extends SignalPeer> extends TrackerHooks<P> {
  /** Our peer id, a 20-character binary string. */
  peerId: string;
  createSocket(url: string): SocketLike;
  /** Random numbers for the reconnect jitter (default Math.random). */
  random?: () => number;
  /** Random bytes for offer ids (default crypto.getRandomValues). */
  randomBytes?: (n: number) => Uint8Array;
  /** Unanswered offers are destroyed after this long (WebTorrent: 50 s). */
  offerTimeoutMs?: number;
  /** Wait at most this long for the offers of one announce to gather their ICE candidates. */
  offerGatherTimeoutMs?: number;
  /** Re-announce interval until the tracker says otherwise. */
  defaultIntervalMs?: number;
  /** Offers per announce per tracker. */
  maxOffers?: number;
  /** Reconnect backoff: first delay and cap. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** An announce asking for more peers is not sent more often than this per tracker and torrent. */
  minWantAnnounceMs?: number;
}

const OPEN = 1;

/** What a torrent announces besides its info hash. */
export interface AnnounceOptions {
  /**
   * A hybrid torrent's v2 info hash (BEP 52), hex: the SHA-256 of the info dictionary (64 characters) or its first
   * 20 bytes (40). The announces of the v1 hash name it, truncated to 20 bytes, as `info_hash_alias`: our tracker then
   * serves both hashes as one swarm (docs/security.md, "Aliases"); other trackers ignore the field.
   */
  infoHashV2?: string;
}

/** The v2 hash as announced: its first 20 bytes, as a binary string. */
function truncatedV2(infoHashV2: string): string {
  if (!/^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(infoHashV2))
    throw new RangeError('a v2 info hash is 64 hex characters (or 40, truncated)');
  return hexToBinary(infoHashV2.slice(0, 40));
}

/** `n` bytes from the platform's cryptographic generator: peer ids and offer ids must not be guessable. */
export function secureRandomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** A new peer id: our client prefix and 12 random bytes, as a binary string. */
export function makePeerId(
  randomBytes: (n: number) => Uint8Array = secureRandomBytes,
  prefix = '-SD0100-',
): string {
  return prefix + binaryOf(randomBytes(20 - prefix.length));
}

/** An offer id: 20 random bytes, as a binary string (a guessed id would let a stranger answer in our name). */
function randomId(randomBytes: (n: number) => Uint8Array): string {
  return binaryOf(randomBytes(20));
}

function binaryOf(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

interface PendingOffer<P> {
  peer: P;
  timer: ReturnType<typeof setTimeout>;
}

/** One torrent on one tracker. */
class Announcer<P extends SignalPeer> {
  readonly infoHashBinary: string;
  intervalMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly offers = new Map<string, PendingOffer<P>>();
  lastWantAnnounce = -Infinity;
  status: TrackerStatus;
  /** An announce is being prepared (offers gathering). */
  preparing = false;
  stopped = false;

  /**
   * A hybrid torrent's announcer of its v2 hash alone, made when the tracker did not serve both hashes as one swarm
   * (another tracker, or the alias refused): peers that know only the v2 hash still find us there.
   */
  v2Alone: Announcer<P> | undefined;

  constructor(
    /** The torrent (the hooks' key): its v1 hash, whichever hash this announcer announces. */
    readonly infoHashHex: string,
    readonly url: string,
    intervalMs: number,
    /** The truncated v2 hash of a hybrid torrent (binary), announced as `info_hash_alias` (or its v1 hash, for one
     * run by its truncated v2 hash); set later when the torrent turns out hybrid (a btmh-only link's metadata). */
    public alias: string | undefined,
    /** Announces this hash (binary) for the torrent, not its own: a `v2Alone` announcer. */
    readonly announcesFor?: Announcer<P>,
  ) {
    this.infoHashBinary = announcesFor ? announcesFor.alias! : hexToBinary(infoHashHex);
    this.intervalMs = intervalMs;
    this.status = { url, state: 'connecting' };
  }
}

/** One WebSocket per tracker URL, with its announcers. */
class TrackerSocket<P extends SignalPeer> {
  socket: SocketLike | undefined;
  retries = 0;
  reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  readonly announcers = new Map<string, Announcer<P>>(); // by binary info hash
  closed = false;
  /** Why the socket is down, while it waits to reconnect. */
  lastError = '';

  constructor(readonly url: string) {}

  get open(): boolean {
    return this.socket !== undefined && this.socket.readyState === OPEN;
  }
}

export class TrackerClient<P extends SignalPeer> {
  readonly peerId: string;
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

  constructor(private readonly options: TrackerClientOptions<P>) {
    if (options.peerId.length !== 20) throw new RangeError('peer id must be 20 characters');
    this.peerId = options.peerId;
    this.random = options.random ?? Math.random;
    this.randomBytes = options.randomBytes ?? secureRandomBytes;
    this.offerTimeoutMs = options.offerTimeoutMs ?? 50_000;
    this.offerGatherTimeoutMs = options.offerGatherTimeoutMs ?? 10_000;
    this.defaultIntervalMs = options.defaultIntervalMs ?? 120_000;
    this.maxOffers = options.maxOffers ?? 5;
    this.minBackoffMs = options.minBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.minWantAnnounceMs = options.minWantAnnounceMs ?? 10_000;
  }

  /** Starts announcing a torrent to each of its trackers (event `started`). */
  start(infoHashHex: string, trackers: readonly string[], options: AnnounceOptions = {}): void {
    const urls = usableTrackers(trackers);
    const alias = options.infoHashV2 === undefined ? undefined : truncatedV2(options.infoHashV2);
    for (const url of urls) {
      let socket = this.sockets.get(url);
      if (!socket) {
        socket = new TrackerSocket<P>(url);
        this.sockets.set(url, socket);
      }
      const announcer = new Announcer<P>(infoHashHex, url, this.defaultIntervalMs, alias);
      const existing = socket.announcers.get(announcer.infoHashBinary);
      if (existing) {
        // Started again with an alias it lacked (a torrent joined by a btmh-only link turned out hybrid): the
        // alias is named from the next announce, which goes now.
        if (alias !== undefined && existing.alias === undefined && !existing.announcesFor) {
          existing.alias = alias;
          if (socket.open) void this.announce(socket, existing, undefined);
        }
        continue;
      }
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
      if (event === 'completed') this.send(socket, this.announceMessage(announcer, 'completed', []));
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
      const { complete, incomplete } = announcer.status;
      const connected = this.options.connectedCount?.(infoHashHex);
      // The swarm's count includes us: when we already talk to everyone else, fresh offers would find no one.
      if (complete !== undefined && incomplete !== undefined && connected !== undefined) {
        if (connected >= complete + incomplete - 1) continue;
      }
      announcer.lastWantAnnounce = now;
      void this.announce(socket, announcer, undefined);
    }
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
      .map(([, announcer]) => ({ ...announcer.status }));
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
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
    socket.socket = undefined;
    socket.lastError = `tracker unreachable (${reason})`;
    for (const announcer of socket.announcers.values()) {
      clearTimeout(announcer.timer);
      announcer.timer = undefined;
      // Answers to these offers could only come through this socket.
      for (const pending of announcer.offers.values()) {
        clearTimeout(pending.timer);
        pending.peer.destroy();
      }
      announcer.offers.clear();
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
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
  }

  /** Announces `stopped` for a torrent's announcer (and its v2Alone) and forgets them. */
  private retire(socket: TrackerSocket<P>, announcer: Announcer<P>, closeIdle = true): void {
    const alone = announcer.v2Alone;
    if (alone) {
      announcer.v2Alone = undefined;
      this.retire(socket, alone, false);
    }
    this.send(socket, this.announceMessage(announcer, 'stopped', []));
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
    for (const [offerId, pending] of announcer.offers) {
      clearTimeout(pending.timer);
      pending.peer.destroy();
      announcer.offers.delete(offerId);
    }
    socket.announcers.delete(announcer.infoHashBinary);
    if (closeIdle && socket.announcers.size === 0) {
      this.closeSocket(socket);
      this.sockets.delete(socket.url);
    }
  }

  private setStatus(announcer: Announcer<P>, status: Omit<TrackerStatus, 'url'>): void {
    const next: TrackerStatus = { url: announcer.url, ...status };
    if (announcer.announcesFor) {
      // The torrent's status on this tracker is its own announcer's; this one only finds v2 peers.
      announcer.status = next;
      return;
    }
    if (
      status.complete === undefined &&
      announcer.status.complete !== undefined &&
      status.state === 'connected'
    ) {
      next.complete = announcer.status.complete;
      next.incomplete = announcer.status.incomplete;
    }
    const prev = announcer.status;
    announcer.status = next;
    if (
      prev.state !== next.state ||
      prev.message !== next.message ||
      prev.complete !== next.complete ||
      prev.incomplete !== next.incomplete
    ) {
      this.options.status?.(announcer.infoHashHex, { ...next });
    }
  }

  private announceMessage(
    announcer: Announcer<P>,
    event: 'started' | 'completed' | 'stopped' | undefined,
    offers: WireOffer[],
  ): Record<string, unknown> {
    const numbers = this.options.numbers(announcer.infoHashHex);
    const message: Record<string, unknown> = {
      action: 'announce',
      info_hash: announcer.infoHashBinary,
      peer_id: this.peerId,
      uploaded: numbers.uploaded,
      downloaded: numbers.downloaded,
      left: numbers.left,
    };
    if (announcer.alias !== undefined && event !== 'stopped') message.info_hash_alias = announcer.alias;
    if (event) message.event = event;
    if (event !== 'stopped' && event !== 'completed') {
      message.numwant = offers.length;
      message.offers = offers;
    }
    return message;
  }

  /** Sends an announce with fresh offers (for the peers wanted), and schedules the next one. */
  private async announce(
    socket: TrackerSocket<P>,
    announcer: Announcer<P>,
    event: 'started' | 'completed' | undefined,
  ): Promise<void> {
    if (announcer.preparing) return;
    announcer.preparing = true;
    clearTimeout(announcer.timer);
    announcer.timer = undefined;
    const wanted = this.want.get(announcer.infoHashHex) ?? this.maxOffers;
    const count = event === 'completed' ? 0 : Math.min(wanted, this.maxOffers);
    let offers: WireOffer[];
    try {
      offers = await this.makeOffers(announcer, count);
    } finally {
      announcer.preparing = false;
    }
    if (announcer.stopped || !socket.open || socket.announcers.get(announcer.infoHashBinary) !== announcer) {
      return;
    }
    this.send(socket, this.announceMessage(announcer, event, offers));
    this.schedule(socket, announcer);
  }

  private schedule(socket: TrackerSocket<P>, announcer: Announcer<P>): void {
    clearTimeout(announcer.timer);
    announcer.timer = setTimeout(() => {
      announcer.timer = undefined;
      if (socket.open && !announcer.stopped) void this.announce(socket, announcer, undefined);
    }, announcer.intervalMs);
  }

  private makeOffers(announcer: Announcer<P>, count: number): Promise<WireOffer[]> {
    if (count <= 0) return Promise.resolve([]);
    const made: Array<Promise<WireOffer | undefined>> = [];
    for (let i = 0; i < count; i++) {
      const offerId = randomId(this.randomBytes);
      const peer = this.options.createPeer(announcer.infoHashHex, true);
      made.push(
        new Promise<WireOffer | undefined>((resolve) => {
          const gather = setTimeout(() => {
            peer.destroy();
            resolve(undefined);
          }, this.offerGatherTimeoutMs);
          peer.once('signal', (offer) => {
            clearTimeout(gather);
            if (peer.destroyed || announcer.stopped) {
              peer.destroy();
              resolve(undefined);
              return;
            }
            const timer = setTimeout(() => {
              announcer.offers.delete(offerId);
              peer.destroy();
            }, this.offerTimeoutMs);
            announcer.offers.set(offerId, { peer, timer });
            resolve({ offer, offer_id: offerId });
          });
        }),
      );
    }
    return Promise.all(made).then((list) => list.filter((offer): offer is WireOffer => offer !== undefined));
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
    this.dispatch(socket, parsed.message);
  }

  private dispatch(socket: TrackerSocket<P>, message: ServerMessage): void {
    switch (message.kind) {
      case 'scrape':
        return;
      case 'failure': {
        const targets = message.infoHash
          ? [socket.announcers.get(message.infoHash)].filter((a) => a !== undefined)
          : [...socket.announcers.values()];
        for (const announcer of targets)
          this.setStatus(announcer, { state: 'failure', message: message.reason });
        return;
      }
      case 'warning':
        return;
      case 'announce': {
        const announcer = socket.announcers.get(message.infoHash);
        if (!announcer) return;
        if (message.interval > 0) {
          const intervalMs = Math.max(message.interval, 5) * 1000;
          if (intervalMs !== announcer.intervalMs) {
            announcer.intervalMs = intervalMs;
            if (announcer.timer !== undefined) this.schedule(socket, announcer);
          }
        }
        this.setStatus(announcer, {
          state: 'connected',
          complete: message.complete,
          incomplete: message.incomplete,
        });
        this.followAlias(socket, announcer, message.alias !== undefined && message.alias === announcer.alias);
        return;
      }
      case 'offer': {
        const announcer = socket.announcers.get(message.infoHash);
        if (!announcer || message.peerId === this.peerId) return;
        const remote = binaryToHex(message.peerId);
        if (!this.options.acceptsOffer(announcer.infoHashHex, remote)) return;
        const peer = this.options.createPeer(announcer.infoHashHex, false);
        if (!this.options.matched(announcer.infoHashHex, peer, remote, false)) {
          peer.destroy();
          return;
        }
        peer.once('signal', (answer) => {
          if (peer.destroyed) return;
          this.send(socket, {
            action: 'announce',
            info_hash: announcer.infoHashBinary,
            peer_id: this.peerId,
            to_peer_id: message.peerId,
            answer,
            offer_id: message.offerId,
          });
        });
        peer.signal(message.offer);
        return;
      }
      case 'answer': {
        const announcer = socket.announcers.get(message.infoHash);
        if (!announcer) return;
        const pending = announcer.offers.get(message.offerId);
        if (!pending) return;
        announcer.offers.delete(message.offerId);
        clearTimeout(pending.timer);
        const remote = binaryToHex(message.peerId);
        if (
          pending.peer.destroyed ||
          !this.options.matched(announcer.infoHashHex, pending.peer, remote, true)
        ) {
          pending.peer.destroy();
          return;
        }
        pending.peer.signal(message.answer);
        return;
      }
    }
  }
}
