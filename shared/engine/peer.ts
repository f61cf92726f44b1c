// Per-connection wire state of one peer: what the handshake told us, choke and interest both ways, what it said it
// has before we knew the torrent, what it asked us for, and its transfer statistics. What it has and what we asked it
// for, once the torrent is known, are the picker's (picker.ts).
import { WireDecoder } from '../wire';
import { RateMeter } from './rate';
import type { PeerKey } from './types';
import type { UploadQueue } from './uploader';

/** Blocks we asked a peer for and have not seen arrive are remembered up to this many times the deepest pipeline
 * (the picker's `askedLimit`), so that a block already on its way after a cancel, choke or timeout is not mistaken
 * for one nobody asked for. */
export const ASKED_SLACK = 4;

export function blockKey(index: number, begin: number): string {
  return `${index}:${begin}`;
}

/** What a peer told us it has before we know the torrent's size (magnet start): applied once the info is known. */
export interface PendingHas {
  bitfield?: Uint8Array;
  all: boolean;
  haves: Set<number>;
}

/** Most `have` messages we buffer before the info is known (more cannot be valid for any torrent we accept). */
export const MAX_PENDING_HAVES = 1 << 20;

const CHOKE_RATE_WINDOW_MS = 20_000;

export class PeerState {
  readonly key: PeerKey;
  /** Connection order among the session's peers. */
  readonly order: number;
  readonly decoder = new WireDecoder({ expectHandshake: true });
  readonly connectedAt: number;
  lastReceived: number;
  lastSent: number;

  /** What the adapter knows of the connection beyond the peer id (e.g. `ip:…`, `dtls:…`): bans hold for these too. */
  identities: readonly string[] = [];

  handshaken = false;
  peerId: Uint8Array | undefined;
  peerIdHex = '';
  extended = false;
  fast = false;

  /** From the BEP 10 handshake. */
  client = '';
  reqq: number | undefined;
  /** The id the peer wants ut_metadata messages under (0 or undefined: it does not speak it). */
  utMetadata: number | undefined;
  metadataSize: number | undefined;
  /** Metadata pieces we served it, by piece: each at most MAX_METADATA_SERVES times (made on its first request). */
  metadataServed: Map<number, number> | undefined;

  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  lastUnchokedAt: number | undefined;

  /** What it said it has while the info is unknown (magnet start); handed to the picker once the info is known. */
  pending: PendingHas = { all: false, haves: new Set() };

  /** It holds a start-up spread slot (spread.ts), outside the choke policy's slots. */
  spread = false;

  /** Its transport is not draining what we send: no new block reads until it does (see `peer-backlog`). */
  backlogged = false;

  /** Requests it made to us: queued, being read, and its upload budget (the uploader's state, uploader.ts). */
  readonly upload: UploadQueue;

  readonly down = new RateMeter();
  readonly up = new RateMeter();
  /** Rates over 20 s for the choker (Cohen 2003: a rolling 20-second average), so tit-for-tat is not jittery. */
  readonly downSlow = new RateMeter(CHOKE_RATE_WINDOW_MS);
  readonly upSlow = new RateMeter(CHOKE_RATE_WINDOW_MS);
  downloaded = 0;
  uploaded = 0;
  piecesReceived = 0;
  /** When a block we asked for last arrived (snubbing), starting at connection. */
  lastBlockAt: number;
  /** We have been waiting on it since lastBlockAt (requests sent, no block since). */
  waiting = false;
  snubbed = false;

  constructor(key: PeerKey, order: number, now: number, upload: UploadQueue) {
    this.key = key;
    this.order = order;
    this.upload = upload;
    this.connectedAt = now;
    this.lastReceived = now;
    this.lastSent = now;
    this.lastBlockAt = now;
  }
}
