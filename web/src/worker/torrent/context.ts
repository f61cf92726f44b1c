// What every torrent host of a client shares: the store, the hashers, the clock, the page's port.
import type { NodeHash } from '../../../../shared/engine/verify/file-tree';
import type { Session, SessionOptions } from '../../../../shared/engine/contract/engine-types';
import type { Sha256 } from '../../../../shared/hash/merkle';
import type { Sha1, TorrentInfo } from '../../../../shared/codec/metainfo';
import type { WorkerToMain } from '../../lib/messages/protocol';
import type { SeedTransport } from '../../net/seed-transport';
import type { BatchWriter } from '../storage/batch-writer';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import type { TorrentRecord } from '../storage/records';

/** What says where a torrent's pieces are. */
export type StorageRef = Pick<TorrentRecord, 'storageId' | 'sharedFiles'>;

export type Post = (message: WorkerToMain, transfer?: Transferable[]) => void;

/** What every torrent of a client shares. */
export interface HostContext {
  /** Records are written through the same batches as the pieces. */
  writer: BatchWriter;
  /** The pieces of one torrent (or of a share being hashed): stored under its storage id, or read from the shared
   * files of a share made without copying (which needs the info). */
  pieces: (record: StorageRef, info?: TorrentInfo) => PieceStorage;
  sha1: Sha1;
  /** SHA-256 for v2 trees: the leaf hashes of pieces checked against their file's tree. */
  sha256: Sha256;
  /** The leaf hashes of a v2 piece (`urgent`: a player waits for it) off this thread (hash/block-hasher.ts); absent,
   * they are made here with `sha256`. */
  blockHashes?: (data: Uint8Array, urgent: boolean) => Promise<Uint8Array>;
  post: Post;
  /** Monotonic milliseconds for the engine. */
  clock: () => number;
  random: () => number;
  /** A new 20-byte peer id, taken once per torrent for its sessions: a peer that meets this tab in one swarm learns
   * no id of its others (docs/security.md, "Peer ids per torrent"). */
  newPeerId: () => Uint8Array;
  createSession: (options: SessionOptions) => Session;
  /** Buffers still in use here or in the engine: `send` copies them instead of transferring them away. */
  keep: WeakSet<ArrayBufferLike>;
  /** A milestone the UI should show at once rather than at its next refresh (metadata, first piece, done). */
  milestone?: () => void;
  /** A verified piece that a stream of the service worker waits for, given before it is stored (the bytes are the
   * piece's, not to be changed, and its buffer holds other pieces once stored: the service worker gets a copy, made
   * before this returns). */
  pieceForStream?: (infoHashHex: string, index: number, data: ArrayBuffer) => void;
  /** The inner nodes' hash of v2 trees (lib/hash.ts: appNodeHash); absent, the engine's own (@noble/hashes). */
  nodeHash?: NodeHash;
  /** Tells the service worker a torrent's record as `Play` is pressed (lib/messages/known-torrents.ts). */
  torrentKnown?: (infoHashHex: string, storageId: string, infoBytes: ArrayBuffer) => void;
  /** Tells the service worker a torrent was removed (what it knew of it goes). */
  torrentGone?: (infoHashHex: string) => void;
  /** Who makes web-seed requests: the page for this worker where its own aborted fetch is not cancelled
   * (net/seed-request-place.ts); absent, the worker's own fetch. */
  seedTransport?: SeedTransport;
}
