// A tracker client's state: one socket per tracker URL, and on it one announcer per torrent, with its pending
// offers, its interval and its status; what an announce says, and how a status follows the tracker's replies.
import { hexToBinary, type WireOffer } from '../../../../shared/codec/tracker-protocol';
import type { TrackerStatus } from '../../lib/links/trackers';
import type { AnnounceNumbers, SignalPeer, SocketLike } from './tracker-hooks';

/** WebSocket.OPEN. */
export const OPEN = 1;

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
export function truncatedV2(infoHashV2: string): string {
  if (!/^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(infoHashV2))
    throw new RangeError('a v2 info hash is 64 hex characters (or 40, truncated)');
  return hexToBinary(infoHashV2.slice(0, 40));
}

export interface PendingOffer<P> {
  peer: P;
  timer: ReturnType<typeof setTimeout>;
}

/** One torrent on one tracker. */
export class Announcer<P extends SignalPeer> {
  readonly infoHashBinary: string;
  intervalMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  readonly offers = new Map<string, PendingOffer<P>>();
  lastWantAnnounce = -Infinity;
  /** When the tracker last counted the swarm (an announce reply with its counts). */
  countedAt = -Infinity;
  status: TrackerStatus;
  /** An announce is being prepared (offers gathering). */
  preparing = false;
  stopped = false;
  /** New peer ids taken after `peer_id is in use` refusals (tracker-refusal.ts bounds them). */
  renewals = 0;
  /** A new peer id's claim is on its way: `peer_id is in use` refusals until its reply answer announces of the old
   * id sent before it (the tracker answers one socket's messages in order). */
  claiming = false;
  private ownPeerId = '';

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
    // Every tracker message names a torrent by 20 bytes (libtorrent drops a reply whose info_hash is not): a v2-only
    // torrent is known by its truncated v2 hash, never by the whole SHA-256.
    if (!/^[0-9a-fA-F]{40}$/.test(infoHashHex))
      throw new RangeError('an announced info hash is 40 hex characters');
    this.infoHashBinary = announcesFor ? announcesFor.alias! : hexToBinary(infoHashHex);
    this.intervalMs = intervalMs;
    this.status = { url, state: 'connecting' };
  }

  /** The peer id this announcer announces: its torrent's on this tracker (a `v2Alone` announcer shares its
   * torrent's, so that both hashes name one peer). */
  get peerId(): string {
    return this.announcesFor ? this.announcesFor.peerId : this.ownPeerId;
  }

  set peerId(id: string) {
    if (id.length !== 20) throw new RangeError('peer id must be 20 characters');
    this.ownPeerId = id;
  }

  /** Destroys every offer still waiting for an answer. */
  dropOffers(): void {
    for (const [offerId, pending] of this.offers) {
      clearTimeout(pending.timer);
      pending.peer.destroy();
      this.offers.delete(offerId);
    }
  }
}

/** Stops listening to a tracker's WebSocket and closes it. */
export function closeQuietly(ws: SocketLike): void {
  ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
  try {
    ws.close();
  } catch {
    // already closed
  }
}

/** One WebSocket per tracker URL, with its announcers. */
export class TrackerSocket<P extends SignalPeer> {
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

export type AnnounceEvent = 'started' | 'completed' | 'stopped' | undefined;

/** An announce of the announcer's hash, with these offers (none for `stopped` and `completed`). */
export function announceMessage(
  announcer: Announcer<SignalPeer>,
  numbers: AnnounceNumbers,
  event: AnnounceEvent,
  offers: WireOffer[],
): Record<string, unknown> {
  const message: Record<string, unknown> = {
    action: 'announce',
    info_hash: announcer.infoHashBinary,
    peer_id: announcer.peerId,
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

/**
 * Sets the announcer's status; true when the torrent's status on this tracker changed (torrentStatus: a `v2Alone`
 * announcer's status shows only while the tracker refuses it). A `connected` status without counts keeps the last
 * counts.
 */
export function updateStatus(announcer: Announcer<SignalPeer>, status: Omit<TrackerStatus, 'url'>): boolean {
  const next: TrackerStatus = { url: announcer.url, ...status };
  const prev = announcer.status;
  announcer.status = next;
  if (announcer.announcesFor)
    return (
      (prev.state === 'failure' || next.state === 'failure') &&
      (prev.state !== next.state || prev.message !== next.message)
    );
  if (status.complete === undefined && prev.complete !== undefined && status.state === 'connected') {
    next.complete = prev.complete;
    next.incomplete = prev.incomplete;
  }
  return (
    prev.state !== next.state ||
    prev.message !== next.message ||
    prev.complete !== next.complete ||
    prev.incomplete !== next.incomplete
  );
}

/** The torrent's status on the announcer's tracker: a refusal of its v2 hash announced alone shows (peers that know
 * only that hash would not find us), else the counts and state of its own hash. */
export function torrentStatus(announcer: Announcer<SignalPeer>): TrackerStatus {
  const alone = announcer.v2Alone?.status;
  return alone?.state === 'failure' ? { ...alone } : { ...announcer.status };
}
