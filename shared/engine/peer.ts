// Per-connection wire state of one peer: what the handshake told us, choke and interest both ways, what it has,
// what we asked it for, what it asked us for, and its transfer statistics.
import { Bitfield } from '../bitfield';
import { WireDecoder } from '../wire';
import type { BlockRequest } from './picker';
import { RateMeter } from './rate';
import type { PeerKey } from './types';
import type { UploadQueue } from './uploader';

/** Blocks we asked this peer for and have not seen arrive, kept a little past release (cancel, choke, timeout) so
 * that a block already on its way is not mistaken for one nobody asked for. */
const ASKED_SLACK = 4;

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
  readonly decoder = new WireDecoder({ expectHandshake: true });
  readonly connectedAt: number;
  lastReceived: number;
  lastSent: number;

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

  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  lastUnchokedAt: number | undefined;

  /** What the peer has, once the torrent's piece count is known. */
  has: Bitfield | undefined;
  hasCount = 0;
  pending: PendingHas = { all: false, haves: new Set() };

  /** Blocks requested from this peer (key -> length), in request order. */
  readonly asked = new Map<string, number>();
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

  constructor(key: PeerKey, now: number, upload: UploadQueue) {
    this.key = key;
    this.upload = upload;
    this.connectedAt = now;
    this.lastReceived = now;
    this.lastSent = now;
    this.lastBlockAt = now;
  }

  /** Remembers a request we sent; forgets the oldest entries beyond a bound so a silent peer costs little memory. */
  rememberAsked(request: BlockRequest, pipelineCap: number): void {
    this.asked.set(blockKey(request.index, request.begin), request.length);
    const limit = pipelineCap * ASKED_SLACK;
    if (this.asked.size > limit) {
      const oldest = this.asked.keys().next().value;
      if (oldest !== undefined) this.asked.delete(oldest);
    }
  }

  /** Sets the peer's have-map once the piece count is known. Throws RangeError on a malformed bitfield. */
  setHas(bitfield: Bitfield): void {
    this.has = bitfield;
    this.hasCount = bitfield.count();
  }

  markHave(index: number): boolean {
    if (!this.has || this.has.get(index)) return false;
    this.has.set(index);
    this.hasCount++;
    return true;
  }

  get isSeed(): boolean {
    return this.has !== undefined && this.has.length > 0 && this.hasCount === this.has.length;
  }
}
