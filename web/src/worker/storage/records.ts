// The persisted torrent list: one record per torrent. Verified pieces are not listed here: a piece entry exists
// in the store only after its hash matched, and a piece file's map (verified:<storageId>, piece-file.ts) has a
// piece's bit only once its bytes are flushed, so those are the resume bitfield.
import {
  PIECE_KEY_PREFIX,
  TORRENT_PREFIX,
  piecePrefix,
  torrentKey,
  totalsKey,
  type KeyValueStore,
  type StoredValue,
} from '../../lib/storage/storage';
import { checkWebSeed } from '../../../../shared/codec/web-seeds';
import { isSharedFileRefs, type SharedFileRef } from './shared-files';
import { isPrivateRecordPart, type PrivateRecordPart } from '../../lib/crypto/private-files';

export interface TorrentRecord {
  infoHashHex: string;
  name: string;
  trackers: string[];
  /** The bencoded info dictionary, once known. */
  infoBytes?: ArrayBuffer;
  /** Total length from a magnet link's `xl`, before the info is known. */
  length?: number;
  /** Pieces are stored under piece:<storageId>:<index> (the info hash, or the id a share was hashed under). */
  storageId: string;
  addedAt: number;
  uploaded: number;
  downloaded: number;
  paused: boolean;
  completedAt?: number;
  /**
   * Restores begun since the last one that finished: a record whose restore kills the worker (out of memory on
   * hostile metadata, say) is counted up on every start, and not restored again past MAX_START_ATTEMPTS.
   */
  startAttempts?: number;
  /** Files not to download (indices in the info's order); pieces they share with chosen files are still fetched. */
  skippedFiles?: number[];
  /** A magnet link's BEP 53 `so`: the files to download, applied once the metadata names the files. */
  selectOnly?: number[];
  /** A share read in place from the user's files (File System Access handles): no pieces are stored for it. */
  sharedFiles?: SharedFileRef[];
  /** A private share: its key, which never leaves this browser, and its real files once known. */
  private?: PrivateRecordPart;
  /** Added by a btmh-only magnet link: its full v2 info hash (64 hex; `infoHashHex` is its first 40). The metadata is
   * checked against it, and the torrent runs by its v2 view (shared/codec/v2-pieces.ts), a hybrid's too. */
  infoHashV2?: string;
  /** Web seeds (BEP 19) from the .torrent's `url-list` or the magnet link's `ws=`, checked (shared/codec/web-seeds.ts). */
  webSeeds?: string[];
  /** The most the web seeds may send, in bytes (`Most to fetch from web servers`); none: no limit. */
  webSeedBudget?: number;
}

/**
 * A v2 or hybrid torrent's piece layers (BEP 52: per file longer than a piece, its piece hashes, by pieces root in
 * hex), kept beside its record for the .torrent the app hands out; not in the record, which is written often.
 */
export const pieceLayersKey = (infoHashHex: string): string => `layers:${infoHashHex}`;

/** Piece layers as stored, or undefined when the value is not what pieceLayersKey holds. */
export function storedPieceLayers(value: unknown): Map<string, Uint8Array> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const layers = new Map<string, Uint8Array>();
  for (const [root, layer] of Object.entries(value)) {
    if (!/^[0-9a-f]{64}$/.test(root) || !(layer instanceof ArrayBuffer)) return undefined;
    layers.set(root, new Uint8Array(layer));
  }
  return layers;
}

/** Piece layers as pieceLayersKey stores them. */
export function pieceLayersEntry(
  infoHashHex: string,
  layers: ReadonlyMap<string, Uint8Array>,
): [string, StoredValue] {
  const value: Record<string, ArrayBuffer> = {};
  for (const [root, layer] of layers) value[root] = layer.slice().buffer;
  return [pieceLayersKey(infoHashHex), value];
}

/** Restores in a row that may fail to finish before a record is quarantined (shown as an error, not parsed). */
export const MAX_START_ATTEMPTS = 3;

export function recordEntry(record: TorrentRecord): [string, StoredValue] {
  return [torrentKey(record.infoHashHex), { ...record } as unknown as Record<string, unknown>];
}

/** The totals entry written with each verified piece (see storePiece, worker/torrent/piece-io.ts). */
export function totalsEntry(
  infoHashHex: string,
  uploaded: number,
  downloaded: number,
): [string, StoredValue] {
  return [totalsKey(infoHashHex), { uploaded, downloaded }];
}

/** A stored count, or 0 when it is not a finite non-negative number. */
function count(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

const HEX_40 = /^[0-9a-f]{40}$/;
const HEX_64 = /^[0-9a-f]{64}$/;

/** The fields every record has: its hash, name, trackers and storage id. */
function hasIdentity(r: Partial<TorrentRecord>): boolean {
  return (
    typeof r.infoHashHex === 'string' &&
    HEX_40.test(r.infoHashHex) &&
    typeof r.name === 'string' &&
    Array.isArray(r.trackers) &&
    r.trackers.every((t) => typeof t === 'string') &&
    typeof r.storageId === 'string'
  );
}

/** A btmh-only link's full v2 hash, when there is one, begins with the hash the record is listed under. */
function validV2Hash(r: Partial<TorrentRecord>): boolean {
  if (r.infoHashV2 === undefined) return true;
  return (
    typeof r.infoHashV2 === 'string' && HEX_64.test(r.infoHashV2) && r.infoHashV2.startsWith(r.infoHashHex!)
  );
}

/** The optional parts, each well-formed where present (files shared in place only with the info they belong to). */
function validParts(r: Partial<TorrentRecord>): boolean {
  return (
    (r.infoBytes === undefined || r.infoBytes instanceof ArrayBuffer) &&
    (r.sharedFiles === undefined || (isSharedFileRefs(r.sharedFiles) && r.infoBytes !== undefined)) &&
    (r.private === undefined || isPrivateRecordPart(r.private)) &&
    (r.webSeeds === undefined ||
      (Array.isArray(r.webSeeds) && r.webSeeds.every((url) => checkWebSeed(String(url)) === url))) &&
    (r.webSeedBudget === undefined || (Number.isSafeInteger(r.webSeedBudget) && r.webSeedBudget >= 0))
  );
}

function isRecord(value: unknown): value is TorrentRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<TorrentRecord>;
  return hasIdentity(r) && validParts(r) && validV2Hash(r);
}

/** Every well-formed torrent record, oldest first. Malformed ones are skipped. */
export async function loadRecords(store: KeyValueStore): Promise<TorrentRecord[]> {
  const keys = await store.keys(TORRENT_PREFIX);
  const values = await store.getMany(keys);
  const wellFormed: TorrentRecord[] = [];
  for (const value of values) if (isRecord(value)) wellFormed.push(value);
  // Each totals entry is at least as new as its record's counts (both only grow): the larger one stands.
  const totals = await store.getMany(wellFormed.map((record) => totalsKey(record.infoHashHex)));
  const records: TorrentRecord[] = [];
  wellFormed.forEach((value, i) => {
    const latest = (totals[i] ?? {}) as { uploaded?: unknown; downloaded?: unknown };
    records.push({
      ...value,
      addedAt: Number(value.addedAt) || 0,
      uploaded: Math.max(count(value.uploaded), count(latest.uploaded)),
      downloaded: Math.max(count(value.downloaded), count(latest.downloaded)),
      paused: value.paused === true,
      startAttempts: Number(value.startAttempts) || 0,
    });
  });
  return records.sort((a, b) => a.addedAt - b.addedAt);
}

/** Shares are hashed into pieces under `piece:share-<random>:` and get their record only when hashing ends. */
export const SHARE_STORAGE_PREFIX = 'share-';

/** A new share's storage id (its pieces are orphans until its record is written). */
export function newShareStorageId(randomHex: string): string {
  return SHARE_STORAGE_PREFIX + randomHex;
}

/**
 * Deletes the pieces of shares that never got a record: a tab closed or reloaded while it hashed a share leaves them
 * behind, and nothing else would ever delete them. Pieces of recorded torrents are left alone. Returns how many
 * entries went.
 */
export async function deleteOrphanedShares(store: KeyValueStore, records: TorrentRecord[]): Promise<number> {
  const owned = new Set(records.map((record) => record.storageId));
  const orphans = (await store.keys(piecePrefix(SHARE_STORAGE_PREFIX, false))).filter(
    (key) => !owned.has(key.slice(PIECE_KEY_PREFIX.length, key.lastIndexOf(':'))),
  );
  if (orphans.length > 0) await store.delMany(orphans);
  return orphans.length;
}
