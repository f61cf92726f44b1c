// The session's hash checks and what each answer does: a complete piece is checked against its file's merkle tree
// once its layer is known (SHA-256 of its 16 KiB blocks), else by SHA-1; a peer's leaf-hash request hashes a stored
// piece's blocks; the metadata is checked against the info hash. A piece a player waits for is marked `urgent`, so
// the host checks it ahead of pieces a fast source queued.
import type { TorrentInfo } from '../../codec/metainfo';
import { isTreeOnly } from '../../codec/v2-pieces';
import type { EngineAction } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import type { HashExchange } from '../v2/hash-exchange';
import { HashJobs, type HashJob } from './hash-jobs';

/** What the checks reach in the session. */
export interface PieceCheckRooms {
  act(action: EngineAction): void;
  hashes(): HashExchange | undefined;
  downloader(): Downloader | undefined;
  info(): TorrentInfo | undefined;
  metadataHashed(digest: Uint8Array): void;
  now(): number;
}

export class PieceChecks {
  private readonly jobs = new HashJobs();

  constructor(private readonly rooms: PieceCheckRooms) {}

  /** Hands out one check as a `hash` action. */
  hash(job: HashJob, data: Uint8Array): void {
    const piece = job.kind === 'piece' || job.kind === 'piece-v2';
    const urgent = piece && this.rooms.downloader()?.streaming.hasDeadline(job.index) === true;
    this.rooms.act(this.jobs.action(job, data, urgent));
  }

  /** A complete piece: checked by its file's tree when its layer is known, else by SHA-1 (with no SHA-1, a torrent
   * run by its v2 view alone, it waits for the layer). */
  piece(index: number, data: Uint8Array): void {
    const hashes = this.rooms.hashes();
    const tree = hashes?.treeBytes(index, data);
    const info = this.rooms.info();
    if (!tree && info && isTreeOnly(info)) return hashes?.waitForLayer(index, data);
    this.hash({ kind: tree ? 'piece-v2' : 'piece', index }, tree ?? data);
  }

  /** A check's answer, taken to what it was for (ignored when not ours or already answered). */
  hashed(id: number, digest: Uint8Array): void {
    const job = this.jobs.take(id);
    if (!job) return;
    if (job.kind === 'metadata') return this.rooms.metadataHashed(digest);
    const hashes = this.rooms.hashes();
    if (job.kind === 'leaves') return hashes?.blocks?.hashed(job.peer, job.index, digest, this.rooms.now());
    const tree = job.kind === 'piece-v2' ? hashes : undefined;
    this.rooms
      .downloader()
      ?.pieceHashed(job.index, digest, tree && ((leaves) => tree.pieceGood(job.index, leaves)));
  }

  /** Answers still to come are ignored (the session stopped). */
  clear(): void {
    this.jobs.clear();
  }
}
