// Which info hashes a v2 session answers to, and a btmh-only magnet's metadata check (BEP 52).
// - A hybrid run by its v1 hash is also known by its truncated v2 hash: a peer that joined by a btmh magnet names
//   that one in its handshake, and is accepted.
// - A session joined by a btmh-only magnet link knows the full SHA-256 info hash and the truncated one it runs by.
//   Before the metadata it also accepts a v2 peer that names another hash (a hybrid's seeder, known by its v1 hash,
//   reached through the tracker's alias); the metadata is checked by its SHA-256 against the full hash and the
//   torrent then runs by its v2 view (v2-pieces.ts: every piece checked against its file's tree, a hybrid's too).
//   Once it is known, only the truncated hash and, for a hybrid, its v1 hash (SHA-1 of the dictionary) are
//   accepted, and the peers that named another one are closed.
// The two hashes of a few kilobytes are computed synchronously, as the inner nodes of the trees are (shared/hash/sha256.ts).
import { sha1 } from '@noble/hashes/legacy.js';
import { toHex } from '../../codec/hex';
import { decodeInfoDict, type TorrentInfo } from '../../codec/metainfo';
import { parseVerifiedV2 } from '../../codec/metainfo-v2';
import { sha256Sync, type Sha256Sync } from '../../hash/sha256';
import { isTreeOnly, v2PieceMap } from '../../codec/v2-pieces';
import type { MetadataCheck } from '../metadata/metadata-exchange';
import type { WireIdentity } from '../peer/peer-wire';
import type { LaterV2, V2Options } from '../contract/engine-types';
import { bytesEqual } from '../verify/verify';

/** Synchronous hashing of the info dictionary (defaults: @noble/hashes). */
export interface JoinHashers {
  sha256?: Sha256Sync;
  sha1?: (data: Uint8Array) => Uint8Array;
}

export class V2Join {
  /** The info hashes (hex) a peer may name besides the session's. */
  private readonly also = new Set<string>();
  /** Peers (by peer id) accepted before the metadata under another hash: checked once it is known. */
  private readonly unproven = new Map<string, string>();
  /** The metadata is known (always, unless joined by a btmh-only magnet). */
  private known = false;
  private viewTaken = false;
  /** The truncated v2 info hashes (hex) of the torrent: a peer naming one speaks v2. */
  private readonly v2Hashes = new Set<string>();
  private readonly sha256: Sha256Sync;
  private readonly sha1: (data: Uint8Array) => Uint8Array;

  constructor(
    private readonly infoHash: Uint8Array,
    /** The full v2 info hash of a btmh-only magnet link (undefined otherwise). */
    private readonly infoHashV2: Uint8Array | undefined,
    private readonly v2: V2Options | LaterV2 | undefined,
    hashers: JoinHashers = {},
  ) {
    if (infoHashV2 && (infoHashV2.length !== 32 || !bytesEqual(infoHashV2.subarray(0, 20), infoHash)))
      throw new RangeError('infoHashV2 must be 32 bytes, infoHash its first 20');
    this.sha256 = hashers.sha256 ?? sha256Sync;
    this.sha1 = hashers.sha1 ?? ((data) => sha1(data));
    if (infoHashV2) this.v2Hashes.add(toHex(infoHash));
    if (v2 && 'info' in v2) this.knowView(v2);
    this.known = !infoHashV2;
  }

  /** Who we are in handshakes: the v2 bit when the session speaks v2, and the hashes we answer to. */
  identity(peerId: Uint8Array): WireIdentity {
    return {
      infoHash: this.infoHash,
      peerId,
      v2: this.v2 !== undefined,
      accepts: (hash, peerV2, id) => this.accepts(hash, peerV2, id),
      namesV2: (hash) => this.v2 !== undefined && this.v2Hashes.has(toHex(hash)),
    };
  }

  /** Joined by a btmh-only magnet link: the metadata is checked by SHA-256. */
  get byV2Magnet(): boolean {
    return this.infoHashV2 !== undefined;
  }

  /** A handshake naming `infoHash`: ours, a hybrid's other hash, or (before a btmh magnet's metadata) a v2 peer's. */
  accepts(infoHash: Uint8Array, peerV2: boolean, peerIdHex: string): boolean {
    if (bytesEqual(infoHash, this.infoHash)) return true;
    const view = this.v2 && !('info' in this.v2) ? this.v2.view : undefined;
    if (view && !this.viewTaken) this.knowView(view);
    const hex = toHex(infoHash);
    if (this.also.has(hex)) return true;
    if (this.known || !peerV2) return false;
    this.unproven.set(peerIdHex, hex);
    return true;
  }

  /** The btmh magnet's metadata check: SHA-256 against the full hash, then the torrent's v2 piece map. */
  metadataCheck(): MetadataCheck | undefined {
    const expected = this.infoHashV2;
    if (!expected) return undefined;
    return { expected, parse: (bytes) => this.parse(bytes, expected) };
  }

  /** The digest the metadata check compares (SHA-256 of the assembled dictionary). */
  digest(bytes: Uint8Array): Uint8Array {
    return this.sha256(bytes);
  }

  private parse(bytes: Uint8Array, expected: Uint8Array): TorrentInfo {
    const v2 = parseVerifiedV2(bytes, expected);
    const info = v2PieceMap(v2);
    if (this.v2 && !('info' in this.v2)) this.v2.view ??= { info: v2 };
    if (decodeInfoDict(bytes).pieces !== undefined) this.also.add(toHex(this.sha1(bytes)));
    this.known = true;
    return info;
  }

  /** Peers accepted before the metadata under a hash the torrent turned out not to have (by peer id). */
  strays(): string[] {
    const out = [...this.unproven].filter(([, hex]) => !this.also.has(hex)).map(([id]) => id);
    this.unproven.clear();
    return out;
  }

  /** A hybrid run by its v1 hash answers to its truncated v2 hash too. */
  private knowView(view: V2Options): void {
    this.viewTaken = true;
    this.v2Hashes.add(view.info.truncatedInfoHashHex);
    this.also.add(view.info.truncatedInfoHashHex);
    this.also.delete(toHex(this.infoHash));
  }
}

/** Throws unless the info is the torrent's and, without SHA-1 pieces (v2-pieces.ts), comes with its v2 view. */
export function checkInfo(info: TorrentInfo, infoHash: Uint8Array, v2: boolean): void {
  if (!bytesEqual(info.infoHash, infoHash)) throw new RangeError('info does not match infoHash');
  if (isTreeOnly(info) && !v2) throw new RangeError('a torrent without SHA-1 pieces needs its v2 view');
}
