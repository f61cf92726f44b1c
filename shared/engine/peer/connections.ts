// The connections of one session: the peers connected (by key, and by peer id once handshaken), refusing those over
// the limit (unless a peer idle past its grace gives its place, idle-places.ts), banned or duplicate, the handshake,
// decoding what each sends, the connection clock (timeouts and keep-alives), and sending and closing. What the
// messages are about is the session's rooms' (`ConnectionPorts`).
import { toHex } from '../../codec/hex';
import type { WireMessage } from '../../codec/wire';
import { encodeMessage } from '../../codec/wire';
import { PeerState } from './peer';
import {
  acceptHandshake,
  connectionDue,
  type Handshake,
  ourHandshake,
  refuseHandshake,
  type WireIdentity,
  type WireTimers,
} from './peer-wire';
import type { EngineAction, PeerKey, WorkBudget } from '../contract/engine-types';
import { UploadQueue } from './upload-queue';
import { idlestPlace, PlaceActivity, type PlaceSample } from './idle-places';
import type { BanList } from '../verify/verify';

/** Identities kept per connection (an address and a fingerprint are what adapters give). */
const MAX_IDENTITIES = 4;
/** At most one `want-peers` per this interval. */
export const WANT_PEERS_INTERVAL_MS = 5_000;

/** What the connections need from the session around them. */
export interface ConnectionPorts {
  /** The clock of the event being handled. */
  now(): number;
  /** A `send` or `close` action. */
  act(action: EngineAction): void;
  /** Its handshake was accepted. */
  handshaken(peer: PeerState): void;
  /** A further check of a handshake naming `peerIdHex` (a connection made to meet one peer, pex/): why it is
   * refused, or undefined. */
  refuse?(peer: PeerState, peerIdHex: string): string | undefined;
  /** A message from it (after the handshake). */
  message(peer: PeerState, message: WireMessage): void;
  /** It is closed and forgotten here. */
  gone(peer: PeerState): void;
  /** The pieces it has, as far as the session knows (0 before the torrent is). */
  pieces(peer: PeerState): number;
}

export class Connections {
  private readonly byKey = new Map<PeerKey, PeerState>();
  /** Handshaken peers by peer id (hex), to refuse duplicate connections. */
  private readonly byPeerId = new Map<string, PeerKey>();
  /** Connection order given to the next peer. */
  private order = 0;
  private lastWanted: number | undefined;
  /** When each peer last exchanged piece data, for giving idle places to newcomers. */
  private readonly activity = new PlaceActivity();
  private readonly known = {
    banned: (hex: string) => this.bans.isBanned(hex),
    connected: (hex: string) => this.byPeerId.has(hex),
  };

  constructor(
    private readonly us: WireIdentity,
    private readonly limits: WireTimers & { maxPeers: number; peerWork?: WorkBudget },
    private readonly uploadCap: number | undefined,
    private readonly bans: BanList,
    private readonly ports: ConnectionPorts,
  ) {}

  /** The connected peers, in connection order. */
  get peers(): ReadonlyMap<PeerKey, PeerState> {
    return this.byKey;
  }

  /** The connected, handshaken peer with this peer id (hex). */
  byId(peerIdHex: string): PeerState | undefined {
    const key = this.byPeerId.get(peerIdHex);
    return key === undefined ? undefined : this.byKey.get(key);
  }

  /** How many more peers to ask for to reach `target` (undefined: none, or asked less than
   * WANT_PEERS_INTERVAL_MS ago). */
  wanted(target: number, now: number): number | undefined {
    const missing = target - this.byKey.size;
    if (missing <= 0) return undefined;
    if (this.lastWanted !== undefined && now - this.lastWanted < WANT_PEERS_INTERVAL_MS) return undefined;
    this.lastWanted = now;
    return missing;
  }

  /** A new transport: refused (closed) or a peer, sent our handshake. */
  connect(key: PeerKey, identities: readonly string[]): void {
    if (this.byKey.has(key)) {
      // A reused key is an adapter bug; keep the existing connection.
      return;
    }
    if (this.bans.isBanned(...identities)) {
      this.ports.act({ type: 'close', peer: key, reason: 'banned peer' });
      return;
    }
    if (this.byKey.size >= this.limits.maxPeers && !this.freeIdlePlace()) {
      this.ports.act({ type: 'close', peer: key, reason: 'too many peers' });
      return;
    }
    // Paused sessions still connect, they just do not transfer.
    const now = this.ports.now();
    const upload = new UploadQueue(this.uploadCap, now);
    const peer = new PeerState(
      key,
      this.order++,
      now,
      upload,
      identities.slice(0, MAX_IDENTITIES),
      this.limits.peerWork,
    );
    this.byKey.set(key, peer);
    this.sendRaw(peer, ourHandshake(this.us));
  }

  /** Bytes from a peer, decoded and handed on; anything its input throws closes it. */
  data(key: PeerKey, data: Uint8Array): void {
    const peer = this.byKey.get(key);
    if (!peer) return;
    this.guard(peer, () => {
      peer.wire.received(this.ports.now());
      const items = peer.decoder.push(data);
      for (const item of items) {
        if (this.byKey.get(peer.key) !== peer) return; // closed while handling an earlier item
        if (item.kind === 'handshake') this.onHandshake(peer, item.handshake);
        else this.ports.message(peer, item.message);
      }
    });
  }

  /** Every place is taken and a newcomer would get one held idle past its grace (idle-places.ts). */
  idlePlace(now: number): boolean {
    return this.byKey.size >= this.limits.maxPeers && idlestPlace(this.placeSamples(now), now) !== undefined;
  }

  /** Closes the peer idle longest past its grace (idle-places.ts), if any; whether a place came free. */
  private freeIdlePlace(): boolean {
    const now = this.ports.now();
    const idlest = idlestPlace(this.placeSamples(now), now);
    const peer = idlest === undefined ? undefined : this.byKey.get(idlest);
    if (!peer) return false;
    this.close(peer, 'no piece data exchanged: its place went to a new peer');
    return true;
  }

  private placeSamples(now: number): PlaceSample[] {
    return [...this.byKey.values()].map((peer) => ({
      peer: peer.key,
      lastExchange: this.noteExchange(peer, now),
    }));
  }

  /** Looks at what the peer exchanged so far; returns when it last exchanged piece data. */
  private noteExchange(peer: PeerState, now: number): number {
    const marks = { downloaded: peer.downloaded, uploaded: peer.uploaded, pieces: this.ports.pieces(peer) };
    return this.activity.observe(peer.key, marks, peer.connectedAt, now);
  }

  private onHandshake(peer: PeerState, handshake: Handshake): void {
    const hex = toHex(handshake.peerId);
    const refusal = refuseHandshake(handshake, this.us, this.known, hex) ?? this.ports.refuse?.(peer, hex);
    if (refusal) return this.close(peer, refusal);
    acceptHandshake(peer, handshake, hex, this.us.namesV2?.(handshake.infoHash) === true);
    this.byPeerId.set(hex, peer.key);
    this.ports.handshaken(peer);
  }

  /** Runs peer-input handling; anything it throws closes that peer (never the session). */
  guard(peer: PeerState, run: () => void): void {
    try {
      run();
    } catch (error) {
      if (this.byKey.get(peer.key) === peer) {
        this.close(peer, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    }
  }

  /** The connection clock: handshake and idle timeouts close, a quiet connection gets a keep-alive; and what each
   * peer exchanged is noted (idle-places.ts). */
  tick(now: number): void {
    for (const peer of [...this.byKey.values()]) {
      this.noteExchange(peer, now);
      const due = connectionDue(peer, now, this.limits);
      if (due === 'keep-alive') this.send(peer, { type: 'keep-alive' });
      else if (due) this.close(peer, due.close);
    }
  }

  sendRaw(peer: PeerState, data: Uint8Array): void {
    peer.wire.sent(this.ports.now());
    this.ports.act({ type: 'send', peer: peer.key, data });
  }

  send(peer: PeerState, message: WireMessage): void {
    this.sendRaw(peer, encodeMessage(message));
  }

  close(peer: PeerState, reason: string): void {
    this.ports.act({ type: 'close', peer: peer.key, reason });
    this.remove(peer);
  }

  /** Its transport closed (the adapter's `peer-closed`): forgets the peer, if it is still known. */
  closed(key: PeerKey): void {
    const peer = this.byKey.get(key);
    if (peer) this.remove(peer);
  }

  /** Forgets a peer (its transport closed, or we closed it). */
  remove(peer: PeerState): void {
    if (this.byKey.get(peer.key) !== peer) return;
    this.byKey.delete(peer.key);
    this.activity.forget(peer.key);
    if (peer.handshaken && this.byPeerId.get(peer.peerIdHex) === peer.key)
      this.byPeerId.delete(peer.peerIdHex);
    this.ports.gone(peer);
  }
}
