// One torrent in the worker: drives its TorrentSession (events in, actions out) and carries out the actions:
// bytes to the main thread, SHA-1, batched storage, reads for peers, announces. A failure here puts this torrent
// in the error state and leaves every other torrent alone.
import type { NodeHash } from '../../../shared/engine/verify/file-tree';
import { Bitfield } from '../../../shared/codec/bitfield';
import { concatBytes } from '../../../shared/codec/bytes';
import { executeAction, type EnginePorts } from '../../../shared/engine/session/executor';
import { VerifiedPieces } from '../../../shared/engine/verify/verified-pieces';
import type {
  EngineAction,
  EngineEvent,
  Session,
  SessionOptions,
  SessionStats,
  LaterV2,
  V2Options,
} from '../../../shared/engine/contract/engine-types';
import type { Sha256 } from '../../../shared/hash/merkle';
import { formatMagnet, fromHex } from '../../../shared/codec/magnet';
import { toHex } from '../../../shared/codec/hex';
import type { FileEntry, Sha1, TorrentInfo } from '../../../shared/codec/metainfo';
import type { AnnounceStats, PeerPath, TorrentView, WorkerToMain } from '../lib/protocol';
import type { PlaybackPosition } from '../lib/actions';
import { storageErrorReason } from '../lib/storage';
import { v1InfoHash, v2InfoHash } from './v2-hash';
import { isTreeOnly } from '../../../shared/codec/v2-pieces';
import { blockHashes, knownPieceLayers, sessionV2 } from './v2-session';
import type { BatchWriter } from './batch-writer';
import { filePieces } from './file-blob';
import { peerRows, shownDownloadRate } from './peer-rows';
import { PieceReadError, type PieceStorage } from './piece-storage';
import { FilePieceStorage, SharedFileError } from './shared-files';
import { pieceLayersEntry, recordEntry, totalsEntry, type TorrentRecord } from './records';
import { findManifest } from './private-share';
import { contentTypeOf } from '../lib/http-range';
import { earlyPieces, fileName, playStartPieces, TAIL_BYTES, tailPieces } from './play-start';
import { FragmentQueue, fragmentHeaderPieces, mfraMoofOffsets } from './mp4-fragments';
import { behindDeadlines, fragmentDeadlines, MAX_WANTED_PIECES, streamDeadlines } from './stream-deadlines';
import { PrivateFiles } from '../lib/private-files';
import {
  layoutOf,
  plainFiles,
  PRIVATE_SHARE_NAME,
  WRONG_KEY_MESSAGE,
} from '../../../shared/private-share/private-share';
import type { FileLayout } from './file-blob';

/** What says where a torrent's pieces are. */
export type StorageRef = Pick<TorrentRecord, 'storageId' | 'sharedFiles'>;

/** A share read from files on disk checks that they are unchanged this often, even when no peer asks for a piece. */
const SHARED_FILES_CHECK_MS = 5000;

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
  post: Post;
  /** Monotonic milliseconds for the engine. */
  clock: () => number;
  random: () => number;
  peerId: Uint8Array;
  createSession: (options: SessionOptions) => Session;
  /** Buffers still in use here or in the engine: `send` copies them instead of transferring them away. */
  keep: WeakSet<ArrayBufferLike>;
  /** A milestone the UI should show at once rather than at its next refresh (metadata, first piece, done). */
  milestone?: () => void;
  /** A verified piece that a stream of the service worker waits for, given before it is stored (the bytes are the
   * piece's, not to be changed; the service worker gets a copy). */
  pieceForStream?: (infoHashHex: string, index: number, data: ArrayBuffer) => void;
  /** Drops a block's `piece` message still queued for a peer whose channel this worker writes (the engine's
   * `retract`); true if it was dropped. Absent, or false for a channel the page writes. */
  retract?: (infoHashHex: string, peer: string, index: number, begin: number, length: number) => boolean;
  /** The inner nodes of v2 merkle trees (node-hash.ts); absent, the engine's own in TypeScript. */
  nodeHash?: NodeHash;
  /** Tells the service worker a torrent's record as `Play` is pressed (lib/known-torrents.ts). */
  torrentKnown?: (infoHashHex: string, storageId: string, infoBytes: ArrayBuffer) => void;
  /** Tells the service worker a torrent was removed (what it knew of it goes). */
  torrentGone?: (infoHashHex: string) => void;
}

/**
 * Upload totals are written at most this often (and at pause, completion and shutdown); the download total also
 * goes with every verified piece, in the same transaction as the piece (see storePiece).
 */
const TOTALS_PERSIST_MS = 5000;

/** Messages below this size are copied rather than transferred (cheap, and safe if the engine reuses them). */
const TRANSFER_MIN_BYTES = 4096;

/** Pieces streams wait for that are remembered (their storing hurries the writer). */
const MAX_AWAITED_PIECES = 2 * MAX_WANTED_PIECES;

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** A piece a stream waits for, handed to the service worker, is in the stored map (and the page's count) within this
 * long of the previous transaction: soon, with one flush for the pieces that came meanwhile. */
export const GIVEN_PIECE_STORE_MS = 50;

export class TorrentHost {
  readonly infoHashHex: string;
  readonly infoHash: Uint8Array;
  info: TorrentInfo | undefined;
  /** A hybrid's v2 info hash (SHA-256), for its magnet link; the engine and the tracker use the v1 one (except for
   * a torrent run by its v2 view: a v2-only one, or one added by a btmh-only magnet link). */
  infoHashV2: Uint8Array | undefined;
  /** A torrent run by its v2 view (known by its truncated v2 hash): its v1 hash when it is a hybrid. */
  private infoHashV1: Uint8Array | undefined;
  session: Session | undefined;
  /** Pieces a stream of the service worker waits for (`wantPieces`), at most MAX_AWAITED_PIECES. */
  private readonly awaited = new Set<number>();
  /** A played MP4's fragments: its tail's pieces, then the queue of its fragments' header pieces (findFragments). */
  private fragments:
    | {
        file: number;
        tail: number[];
        got: Map<number, ArrayBuffer>;
        reading?: boolean;
        queue?: FragmentQueue;
      }
    | undefined;
  /** Early pieces not verified yet (play-start.ts `earlyPieces`): each goes to the service worker once verified. */
  private early = new Set<number>();
  /** Pieces handed to the store whose write has not landed yet. */
  private readonly storing = new Set<number>();
  /** A hybrid's v2 view and known piece layers (see v2-session.ts): its sessions speak v2. Set before `start` by
   * whoever knows the info then; a magnet's, once its metadata came, serves the sessions started after that. */
  v2: V2Options | undefined;
  /** Joined by a hybrid's magnet link (btih and btmh): until the info is known its sessions announce v2, and are
   * given the v2 view once the metadata came (LaterV2). */
  hybridLink = false;
  /** The current session's v2 view to come, when it announced v2 without it. */
  private laterV2: LaterV2 | undefined;
  /** Where its verified pieces are kept. */
  readonly pieces: PieceStorage;
  error: string | undefined;
  /** Stopped because the browser needs the user's permission to read the shared files again (`Resume sharing`). */
  needsPermission = false;
  removed = false;

  private halted = false;
  private haltPending = false;
  private running = false;
  private queue: EngineEvent[] = [];
  /** Bumped when the session is replaced: late results for the old one are dropped. */
  private generation = 0;
  private readonly peers = new Set<string>();
  /** Each connection's path (direct or relayed), as the page read it from the connection's statistics. */
  private readonly paths = new Map<string, PeerPath>();
  /** The page's words for why no peer can be reached, while that holds. */
  private unreachable: string | undefined;
  /** Totals of earlier sessions (persisted); this session's own counts come from its stats. */
  private baseUploaded: number;
  private baseDownloaded: number;
  private lastStats: SessionStats | undefined;
  /** Verified pieces queued for the store, not yet counted by the session (which counts them once stored). */
  private storingBytes = 0;
  private persistedTotals = '';
  private persistedAt = -Infinity;
  private firstPieceShown = false;
  /** The pieces of the chosen files, while some are skipped (see wantedPieces). */
  private wanted: Bitfield | undefined;
  private sharedCheckedAt = -Infinity;
  /** Pieces confirmed in the store (what a reload resumes from): the owner that the session records them in (shared
   * with it, not a copy), or what a new session starts from while there is none. */
  private verified: VerifiedPieces | undefined;
  /** A private share's real files over its records, once its manifest is known (see privateLayout). */
  private plainLayout: FileLayout | undefined;
  private plainFiles: Promise<PrivateFiles | undefined> | undefined;
  private findingManifest = false;
  /** Whether the stored record holds what the view offers files from (the info; a private share's manifest too). The
   * service worker reads a file's layout and key from that record, so a file offered before it is written answers
   * Play with a 404 (see persistLayout). */
  private layoutStored: boolean;

  constructor(
    private readonly ctx: HostContext,
    readonly record: TorrentRecord,
    info: TorrentInfo | undefined,
    stored: Bitfield | undefined,
    v2?: V2Options,
  ) {
    this.infoHashHex = record.infoHashHex;
    this.v2 = v2;
    this.infoHash = fromHex(record.infoHashHex);
    this.pieces = ctx.pieces(record, info);
    this.baseUploaded = record.uploaded;
    this.baseDownloaded = record.downloaded;
    // A record loaded from the store, or one written before its host is listed (a share, a .torrent file).
    this.layoutStored = info !== undefined && (!record.private || record.private.manifest !== undefined);
    if (info) this.setInfo(info, stored);
  }

  /** Creates the session; an unpaused torrent becomes active (the main thread starts its tracker clients). */
  start(): void {
    this.generation++;
    this.halted = false;
    this.haltPending = false;
    this.queue = [];
    this.error = undefined;
    try {
      this.session = this.ctx.createSession({
        infoHash: this.infoHash,
        peerId: this.ctx.peerId,
        info: this.info,
        have: this.verified,
        ...this.v2Option(),
        ...(this.record.infoHashV2 && !this.info ? { infoHashV2: fromHex(this.record.infoHashV2) } : {}),
        random: this.ctx.random,
        now: this.ctx.clock(),
      });
    } catch (error) {
      this.session = undefined;
      this.error = `engine error: ${errorMessage(error)}`;
      this.halted = true;
      return;
    }
    this.lastStats = undefined;
    this.applyFileChoice();
    this.checkManifest();
    if (this.record.paused) {
      this.feed({ type: 'pause' });
    } else {
      this.prepareStore();
      this.ctx.post({
        type: 'torrent-active',
        infoHashHex: this.infoHashHex,
        trackers: [...this.record.trackers],
        stats: this.announceStats(),
        ...this.v2Alias(),
      });
      // The session's first event yields `announce started` and `want-peers`.
      this.feed({ type: 'tick' });
    }
  }

  /** A download's store gets ready for its first piece (a seed's reads open it as they come). */
  private prepareStore(): void {
    if (this.info && (this.verified?.count ?? 0) < this.info.pieceCount) this.pieces.prepare?.();
  }

  /** The session's v2 options: its v2 view when known, else the v2 bit alone for a hybrid joined by magnet link. */
  private v2Option(): Pick<SessionOptions, 'v2'> {
    this.laterV2 = undefined;
    if (this.v2 && this.info) return { v2: this.v2 };
    if (!this.hybridLink || this.info) return {};
    this.laterV2 = {};
    return { v2: this.laterV2 };
  }

  get active(): boolean {
    return !this.halted && !this.removed && !this.record.paused && this.session !== undefined;
  }

  // --- events from the main thread ---

  peerConnected(peer: string, identities: string[] = []): void {
    if (this.halted || this.removed || !this.session) {
      this.ctx.post({ type: 'close', infoHashHex: this.infoHashHex, peer, reason: 'torrent not active' });
      return;
    }
    this.peers.add(peer);
    this.feed({ type: 'peer-connected', peer, identities });
  }

  peerData(peer: string, data: ArrayBuffer): void {
    if (!this.peers.has(peer)) return; // late bytes of a connection we already closed
    this.feed({ type: 'peer-data', peer, data: new Uint8Array(data) });
  }

  peerBacklog(peer: string, backlogged: boolean): void {
    if (this.peers.has(peer)) this.feed({ type: 'peer-backlog', peer, backlogged });
  }

  /** What the torrent's connections hold that has not left (upload-queue-report.ts): the engine paces to it. */
  uploadQueue(bytes: number): void {
    if (this.session) this.feed({ type: 'upload-queue', bytes });
  }

  peerClosed(peer: string): void {
    this.paths.delete(peer);
    if (this.peers.delete(peer)) this.feed({ type: 'peer-closed', peer });
  }

  /** The page read the connection's path (direct or through a relay). */
  peerPath(peer: string, path: PeerPath): void {
    if (this.peers.has(peer)) this.paths.set(peer, path);
  }

  /** The page's diagnosis of the connection attempts (undefined: nothing to say). */
  setReachability(problem: string | undefined): void {
    this.unreachable = problem;
  }

  tick(): void {
    this.feed({ type: 'tick' });
    if (this.record.completedAt !== undefined) this.keepLearnedLayers(); // layers that came after the last piece
    this.checkSharedFiles();
    // Totals change all the time during a transfer: write them now and then, not on every tick (a readwrite
    // transaction holds up the reads that serve peers).
    const now = this.ctx.clock();
    if (now - this.persistedAt < TOTALS_PERSIST_MS) return;
    const totals = `${this.uploaded()}:${this.downloaded() + this.storingBytes}`;
    if (totals !== this.persistedTotals && !this.removed) void this.persistTotals();
  }

  /** A share read from files on disk stops as soon as one of them changed (or may no longer be read). */
  private checkSharedFiles(): void {
    const now = this.ctx.clock();
    if (!this.record.sharedFiles || !this.info || !this.active) return;
    if (now - this.sharedCheckedAt < SHARED_FILES_CHECK_MS) return;
    this.sharedCheckedAt = now;
    const check =
      this.pieces instanceof FilePieceStorage
        ? this.pieces.checkSome()
        : this.pieces.verifiedPieces(this.info.pieceCount);
    check.catch((error: unknown) => this.failShared(error));
  }

  /** Stops on a shared file's failure (SharedFileError); false for any other error. */
  private failShared(error: unknown): boolean {
    if (!(error instanceof SharedFileError)) return false;
    this.fail(error.message);
    this.needsPermission = error.permission && this.error === error.message;
    return true;
  }

  /**
   * `Resume sharing` (after the page asked the browser for permission again): checks the shared files, then runs
   * the torrent from them; a file still unreadable or changed keeps the torrent in the error state with the reason.
   */
  async resumeShared(): Promise<void> {
    if (!this.record.sharedFiles || !this.info || this.removed) return;
    try {
      const stored = await this.pieces.verifiedPieces(this.info.pieceCount);
      this.verified = new VerifiedPieces(this.info, stored);
    } catch (error) {
      this.error = errorMessage(error);
      this.needsPermission = error instanceof SharedFileError && error.permission;
      return;
    }
    this.needsPermission = false;
    this.sharedCheckedAt = this.ctx.clock();
    this.record.paused = false;
    this.resume();
  }

  /** Downloads only the files not in `skipped` (remembered with the torrent). */
  chooseFiles(skipped: number[]): void {
    // A private share's files are not the torrent's (one file of ciphertext): it is fetched whole.
    if (this.removed || this.record.private) return;
    const count = this.info?.files.length ?? Infinity;
    this.record.skippedFiles = [...new Set(skipped)]
      .filter((index) => Number.isInteger(index) && index >= 0 && index < count)
      .sort((a, b) => a - b);
    delete this.record.selectOnly;
    this.wanted = undefined;
    void this.persist(false);
    this.applyFileChoice();
  }

  /** Tells the session which files to fetch (once the info is known); a magnet's `so` becomes the choice. The start
   * and end of its playable files come first (play-start.ts), but for a private share (its files lie over records). */
  private applyFileChoice(): void {
    const info = this.info;
    if (!info || !this.session) return;
    const early = this.record.private
      ? []
      : earlyPieces(info.files, info.pieceLength).filter((index) => !this.verified?.get(index));
    this.early = new Set(early);
    // None left (a complete torrent, or no playable file): nothing to tell (a verified piece needs no priority).
    if (early.length > 0) this.feed({ type: 'early-pieces', pieces: early });
    if (this.record.selectOnly) {
      const only = new Set(this.record.selectOnly);
      this.record.skippedFiles = info.files.map((_, index) => index).filter((index) => !only.has(index));
      delete this.record.selectOnly;
      this.wanted = undefined;
      void this.persist(false);
    }
    const skipped = new Set(this.record.skippedFiles ?? []);
    if (skipped.size === 0 && this.record.skippedFiles === undefined) return;
    this.feed({
      type: 'file-priorities',
      // Pad files (BEP 47) are zeros nobody chose: a piece is fetched for the real files it holds.
      priorities: info.files.map((file, index) => (skipped.has(index) || file.pad ? 'skip' : 'normal')),
    });
  }

  /** The pieces of the chosen files (undefined: every piece), for the progress. */
  private wantedPieces(): Bitfield | undefined {
    const info = this.info;
    const skipped = this.record.skippedFiles;
    if (!info || !skipped || skipped.length === 0) return undefined;
    if (this.wanted) return this.wanted;
    const wanted = new Bitfield(info.pieceCount);
    const skip = new Set(skipped);
    info.files.forEach((file, index) => {
      if (skip.has(index) || file.length === 0 || file.pad) return;
      const { first, last } = filePieces(info, index);
      for (let piece = first; piece <= last; piece++) wanted.set(piece);
    });
    this.wanted = wanted;
    return wanted;
  }

  /**
   * A stream needs these pieces: deadlines from now, the first soonest (the engine fetches them first, from the
   * fastest peers, and asks a second peer for a piece past its deadline). At most a window's worth is taken.
   */
  wantPieces(pieces: number[], seek: boolean, behind = false): void {
    const count = this.info?.pieceCount ?? 0;
    const now = this.ctx.clock();
    // A superseded stream's piece (lib/stream-wishes.ts): one, not urgent at once.
    const deadlines = behind ? behindDeadlines(pieces, count, now) : streamDeadlines(pieces, count, now);
    this.wish(deadlines, seek);
  }

  /** Pieces wished by these deadlines (`seek`: instead of the earlier wishes); each goes to the service worker as
   * soon as it is verified. */
  private wish(deadlines: Array<{ index: number; at: number }>, seek: boolean): void {
    if (deadlines.length > 0) this.feed({ type: 'piece-deadlines', deadlines, replace: seek });
    if (seek) this.awaited.clear();
    let hurry = false;
    for (const { index } of deadlines) {
      this.awaited.add(index);
      hurry ||= this.storing.has(index);
    }
    // A piece verified and on its way to the store already: counted in the map at once.
    if (hurry) this.ctx.writer.hurry();
    // Bounded: the oldest wishes go first (a piece stored since has left already).
    for (const index of this.awaited) {
      if (this.awaited.size <= MAX_AWAITED_PIECES) break;
      this.awaited.delete(index);
    }
  }

  /**
   * A player of file `fileIndex` is at `position` (null: it closed). Its time over the media's duration places the
   * playhead in the file's bytes, and the file's length over the duration is its bitrate: the engine fetches the
   * pieces from there over several seconds of media first (the playback window), and a jump out of it is a seek.
   * Before the duration is known the playhead cannot be placed: the service worker's wishes steer alone.
   */
  playback(fileIndex: number, position: PlaybackPosition | null): void {
    const file = this.info?.files[fileIndex];
    if (!file || file.length === 0) return;
    if (!position) {
      this.fragments = undefined;
      this.feed({ type: 'playback-stopped' });
      return;
    }
    const { time, duration, paused } = position;
    if (!(duration > 0) || !Number.isFinite(duration)) return;
    // The player has its metadata: it walked the fragments already (or needed no walk). Their header pieces still
    // wished would move the playback window to them (a stream's urgent wish is a read).
    this.fragments = undefined;
    const at = Math.min(file.length - 1, Math.floor((Math.min(time, duration) / duration) * file.length));
    this.feed({
      type: 'playhead',
      file: fileIndex,
      position: at,
      bytesPerSecond: file.length / duration,
      paused,
    });
  }

  /** `Play` was pressed on a file: its first pieces and its last are wished at once, before the player's first read
   * (play-start.ts). A private share's files lie over its records: its service worker's wishes steer alone. */
  playStarting(fileIndex: number): void {
    const file = this.info?.files[fileIndex];
    if (!file || !this.info || this.record.private) return;
    this.wantPieces(playStartPieces(file, this.info.pieceLength), false);
    this.fragments = undefined;
    if (/^(video|audio)\/(mp4|quicktime)$/.test(contentTypeOf(fileName(file)))) {
      this.fragments = { file: fileIndex, tail: tailPieces(file, this.info.pieceLength), got: new Map() };
      this.findFragments();
    }
    // The player's first request need not read the record from IndexedDB (a share read in place is read there).
    const { storageId, infoBytes, sharedFiles } = this.record;
    if (infoBytes && !sharedFiles) this.ctx.torrentKnown?.(this.infoHashHex, storageId, infoBytes);
  }

  /**
   * A played MP4's fragments (mp4-fragments.ts): once the pieces of its last TAIL_BYTES are stored (Play wished them
   * first), its `mfra` says where each `moof` lies, and the pieces holding their headers are wished in file order,
   * a batch at a time, ahead of the player's walk from one to the next. An MP4 without `mfra` changes nothing.
   */
  private findFragments(): void {
    const fragments = this.fragments;
    const info = this.info;
    if (!fragments || fragments.reading || fragments.queue || !info) return;
    const { tail, got } = fragments;
    if (!tail.every((index) => got.has(index) || this.verified?.get(index))) return;
    fragments.reading = true;
    const file = info.files[fragments.file];
    const tailStart = Math.max(0, file.length - TAIL_BYTES);
    // Pieces verified before Play are read from the store; those verified since were kept as they came.
    const stored = tail.filter((index) => !got.has(index));
    (stored.length > 0 ? this.pieces.readPieces(stored) : Promise.resolve([])).then(
      (read) => {
        if (this.fragments !== fragments) return;
        stored.forEach((index, k) => got.set(index, read[k]));
        const bytes = concatBytes(tail.map((index) => new Uint8Array(got.get(index)!)));
        got.clear();
        const from = file.offset + tailStart - tail[0] * info.pieceLength;
        const tailBytes = bytes.subarray(from, from + (file.length - tailStart));
        const offsets = mfraMoofOffsets(tailBytes, tailStart, file.length) ?? [];
        const pieces = fragmentHeaderPieces(offsets, file.offset, file.length, info.pieceLength);
        // Not fragmented (or no mfra): nothing more to do as pieces come.
        if (pieces.length === 0) {
          this.fragments = undefined;
          return;
        }
        fragments.queue = new FragmentQueue(pieces);
        this.wishFragments();
      },
      () => {
        // Not read: the player walks the fragments alone, as without an mfra.
      },
    );
  }

  /** The next batch of a played MP4's fragment header pieces, if one is due. */
  private wishFragments(): void {
    const queue = this.fragments?.queue;
    if (!queue || !this.info) return;
    const batch = queue.take((index) => this.verified?.get(index) === true);
    if (batch.length > 0) this.wish(fragmentDeadlines(batch, this.info.pieceCount, this.ctx.clock()), false);
  }

  /** A piece was verified (its bytes `data`, on their way to the store): a played MP4's tail may be complete, or a
   * fragment header in. */
  private fragmentPieceVerified(index: number, data: ArrayBuffer): void {
    const fragments = this.fragments;
    if (!fragments) return;
    if (!fragments.queue) {
      // A copy: the piece itself may be handed to the service worker.
      if (!fragments.reading && fragments.tail.includes(index)) fragments.got.set(index, data.slice(0));
      return this.findFragments();
    }
    fragments.queue.stored(index);
    this.wishFragments();
  }

  pause(): void {
    if (this.record.paused || this.removed) return;
    this.record.paused = true;
    void this.persist(false);
    if (this.halted) return;
    this.feed({ type: 'pause' });
    this.ctx.post({ type: 'torrent-inactive', infoHashHex: this.infoHashHex, stats: this.announceStats() });
  }

  resume(): void {
    if (this.removed) return;
    const wasPaused = this.record.paused;
    this.record.paused = false;
    if (wasPaused) void this.persist(false);
    if (this.halted || !this.session) {
      // After an error: a fresh session from the verified pieces.
      this.baseUploaded = this.uploaded();
      this.baseDownloaded = this.downloaded();
      this.start();
      return;
    }
    if (!wasPaused) return;
    this.feed({ type: 'resume' });
    this.ctx.post({
      type: 'torrent-active',
      infoHashHex: this.infoHashHex,
      trackers: [...this.record.trackers],
      stats: this.announceStats(),
      ...this.v2Alias(),
    });
  }

  /** A hybrid's other hash for `torrent-active`: its tracker clients announce both hashes as one swarm (the v2 one,
   * or the v1 one when the torrent runs by its truncated v2 hash). */
  private v2Alias(): { infoHashV2?: string } {
    if (this.treeOnly) return this.infoHashV1 ? { infoHashV2: toHex(this.infoHashV1) } : {};
    return this.infoHashV2 ? { infoHashV2: toHex(this.infoHashV2) } : {};
  }

  /** The hashes its magnet link carries: btih (v1) and btmh (v2) as the torrent has them. */
  private magnetHashes(): { infoHash?: Uint8Array; infoHashV2?: Uint8Array; v2Only?: boolean } {
    const v2 = this.infoHashV2 ?? (this.record.infoHashV2 ? fromHex(this.record.infoHashV2) : undefined);
    if (!this.treeOnly) return { infoHash: this.infoHash, ...(v2 ? { infoHashV2: v2 } : {}) };
    return this.infoHashV1 ? { infoHash: this.infoHashV1, infoHashV2: v2 } : { infoHashV2: v2, v2Only: true };
  }

  /** Run by its v2 view: known by the truncated v2 hash (v2-only, or added by a btmh-only magnet link). */
  private get treeOnly(): boolean {
    return this.record.infoHashV2 !== undefined || (this.info !== undefined && isTreeOnly(this.info));
  }

  /** Stops for good (remove or page unload): announces stopped, closes every peer. */
  stop(): void {
    if (!this.halted && this.session) {
      this.queue = [];
      this.feed({ type: 'stop' });
    }
    this.halt();
  }

  /** Puts this torrent in the error state: stops its session, keeps what is stored. */
  fail(reason: string): void {
    if (this.error !== undefined || this.removed) return;
    this.error = reason;
    if (this.halted || !this.session) return;
    this.queue = [{ type: 'stop' }];
    this.haltPending = true;
    this.drain();
  }

  // --- the session loop ---

  private feed(event: EngineEvent): void {
    if (this.halted || this.removed || !this.session) return;
    this.queue.push(event);
    this.drain();
  }

  private drain(): void {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.halted && this.session) {
        const event = this.queue.shift() as EngineEvent;
        let actions: EngineAction[];
        try {
          actions = this.session.handle(event, this.ctx.clock());
        } catch (error) {
          if (event.type === 'stop') {
            this.queue = [];
            break;
          }
          this.fail(`engine error: ${errorMessage(error)}`);
          continue;
        }
        for (const action of actions) this.act(action);
      }
    } finally {
      this.running = false;
    }
    if (this.haltPending) {
      this.haltPending = false;
      this.halt();
    }
  }

  private halt(): void {
    if (this.halted) return;
    this.halted = true;
    this.queue = [];
    for (const peer of this.peers) {
      this.ctx.post({
        type: 'close',
        infoHashHex: this.infoHashHex,
        peer,
        reason: this.error ?? 'torrent stopped',
      });
    }
    this.peers.clear();
    this.paths.clear();
    this.ctx.post({ type: 'torrent-inactive', infoHashHex: this.infoHashHex, stats: this.announceStats() });
  }

  private act(action: EngineAction): void {
    const generation = this.generation;
    const current = () => generation === this.generation && !this.removed;
    executeAction(action, this.ports(current), (event) => {
      if (current()) this.feed(event);
    });
  }

  /** The worker's side of the engine's actions (see shared/engine/executor.ts). */
  private ports(current: () => boolean): EnginePorts {
    return {
      retract: (peer, index, begin, length) =>
        this.peers.has(peer) && (this.ctx.retract?.(this.infoHashHex, peer, index, begin, length) ?? false),
      send: (peer, data) => {
        if (!this.peers.has(peer)) return;
        const buffer = this.transferable(data);
        this.ctx.post({ type: 'send', infoHashHex: this.infoHashHex, peer, data: buffer }, [buffer]);
      },
      close: (peer, reason) => {
        this.paths.delete(peer);
        if (!this.peers.delete(peer)) return;
        this.ctx.post({ type: 'close', infoHashHex: this.infoHashHex, peer, reason });
      },
      hash: (data, reply) => {
        this.ctx.sha1(data).then(reply.ok, (error: unknown) => reply.fail(errorMessage(error)));
      },
      hashBlocks: (data, reply) => {
        blockHashes(data, this.ctx.sha256).then(reply.ok, (error: unknown) =>
          reply.fail(errorMessage(error)),
        );
      },
      store: (index, data) => this.storePiece(index, data, current),
      read: (peer, index, begin, length) => this.readBlock(peer, index, begin, length, current),
      announce: (event) => {
        // A paused torrent has no tracker clients running (its first event may still yield `started`).
        if (this.record.paused && event !== 'stopped') return;
        this.ctx.post({
          type: 'announce',
          infoHashHex: this.infoHashHex,
          ...(event ? { event } : {}),
          stats: this.announceStats(),
        });
      },
      wantPeers: (count) => {
        if (this.record.paused) return;
        this.ctx.post({ type: 'want-peers', infoHashHex: this.infoHashHex, count });
      },
      metadata: (info) => {
        this.setInfo(info, this.session?.verified);
        this.prepareStore();
        // A hybrid's v2 view: for this session if it announced v2 (joined by a hybrid's magnet link), else for the
        // sessions started after this one (its handshakes went out without the v2 bit).
        if (this.infoHashV2 && !this.v2) {
          // (A btmh-only magnet's session took the view from the metadata itself; this serves the next ones.)
          const later = this.laterV2;
          const hashers = { sha1: this.ctx.sha1, sha256: this.ctx.sha256 };
          void sessionV2(info.infoBytes, hashers, undefined, this.ctx.nodeHash).then((v2) => {
            this.v2 ??= v2;
            if (later && v2) later.view = v2;
          });
        }
        // A btmh-only link's torrent that turned out hybrid: its tracker clients name the v1 hash as its alias now.
        const alias = this.v2Alias();
        if (alias.infoHashV2 && !this.record.paused && !this.halted)
          this.ctx.post({
            type: 'torrent-active',
            infoHashHex: this.infoHashHex,
            trackers: [...this.record.trackers],
            stats: this.announceStats(),
            ...alias,
          });
        this.record.name = info.name;
        this.record.infoBytes = info.infoBytes.slice().buffer;
        void this.persistLayout();
        // The files are known now: a magnet's `so` selection, or an earlier choice, applies (after this action).
        queueMicrotask(() => {
          this.applyFileChoice();
          this.checkManifest();
        });
        this.ctx.milestone?.();
      },
      layersKnown: () => this.keepLearnedLayers(),
      complete: () => {
        this.record.completedAt ??= Date.now();
        this.keepLearnedLayers();
        void this.persist(false);
        this.ctx.milestone?.();
      },
      error: (reason) => {
        if (current()) this.fail(reason);
      },
    };
  }

  /**
   * Piece layers the session got from peers (a hybrid added without them) are kept beside the record, as a share's
   * are: later sessions start with them and the .torrent the app hands out carries them. Called when the last of
   * them came (`layers-known`, which may be after the download completed: pieces of a hybrid are checked by SHA-1
   * until then) and again at completion.
   */
  private keepLearnedLayers(): void {
    const v2 = this.v2;
    const known = this.session?.pieceLayers;
    if (!v2 || v2.pieceLayers || !known || known.missing > 0) return;
    const layers =
      knownPieceLayers(v2.info, (index) => known.expected(index)) ?? new Map<string, Uint8Array>();
    // Looked at once: a torrent whose files are each one piece long has no layer to keep.
    this.v2 = { ...v2, pieceLayers: layers };
    if (layers.size === 0) return;
    const [key, value] = pieceLayersEntry(this.infoHashHex, layers);
    this.ctx.writer.put(key, value).catch(() => {
      // only a later session asks its peers again
    });
  }

  private storePiece(index: number, data: Uint8Array, current: () => boolean): void {
    const value = exactBuffer(data);
    const size = value.byteLength;
    this.storingBytes += size;
    // The totals with the piece counted go in the same transaction: a reload never finds a stored piece that the
    // download total misses, nor the other way round (the writer keeps one totals entry per transaction, and it is
    // a few bytes: the record, which holds the info dictionary, is not rewritten per piece).
    const written = this.ctx.writer.together(() => {
      void this.persistTotals();
      return this.pieces.writePiece(index, value);
    });
    // A piece a stream waits for goes to the service worker now. An early piece goes to it too: a player that
    // starts soon reads it there (the service worker's reads of the piece file cost milliseconds a piece while the
    // file is being written). Given to it so, it is counted in the stored map within GIVEN_PIECE_STORE_MS: a
    // transaction started for each flushed the piece file (5 to 60 ms of the worker's time, in a trace of a player's
    // start: one per piece it waited for); without that channel it is counted at once.
    const awaited = this.awaited.delete(index);
    const early = this.early.delete(index);
    const given = (awaited || early) && this.ctx.pieceForStream !== undefined;
    this.fragmentPieceVerified(index, value);
    if (given) this.ctx.pieceForStream!(this.infoHashHex, index, value);
    // The torrent's first piece (none shown, none on its way) lands at once too: the user sees the download begin,
    // not 200 ms of the writer's spacing after the metadata's own write.
    const first = !this.firstPieceShown && this.storing.size === 0;
    if ((awaited && !given) || first) this.ctx.writer.hurry();
    else if (awaited) this.ctx.writer.soon(GIVEN_PIECE_STORE_MS);
    this.storing.add(index);
    written.then(
      () => {
        this.storingBytes -= size;
        this.storing.delete(index);
        if (!current()) return;
        this.feed({ type: 'stored', index }); // the session records it (Downloader.stored)
        // A session that has stopped no longer records: the piece is in the store all the same.
        if (this.halted) this.verified?.add(index);
        this.checkManifest();
        if (!this.firstPieceShown) {
          this.firstPieceShown = true;
          this.ctx.milestone?.();
        }
      },
      (error: unknown) => {
        this.storingBytes -= size;
        this.storing.delete(index);
        if (!current()) return;
        // Our reason (not the engine's wording of it) is what the torrent shows; the session stops with it.
        this.fail(storageErrorReason(error));
      },
    );
  }

  private readBlock(
    peer: string,
    index: number,
    begin: number,
    length: number,
    current: () => boolean,
  ): void {
    const failed = (reason: string) => {
      if (current()) this.feed({ type: 'read-failed', peer, index, begin, reason });
    };
    if (!this.verified?.get(index)) {
      failed('piece not stored');
      return;
    }
    this.pieces.readBlock(index, begin, length).then(
      (data) => {
        // The block is a view of a cached piece: `send` must copy it, never transfer the piece away.
        this.ctx.keep.add(data.buffer);
        if (current()) this.feed({ type: 'read-done', peer, index, begin, data });
      },
      (error: unknown) => {
        // A shared file that changed stops the share (its piece was not sent); other failures miss one block.
        if (current() && this.failShared(error)) return;
        failed(error instanceof PieceReadError ? error.message : storageErrorReason(error));
      },
    );
  }

  /** The bytes of `data` as an ArrayBuffer the main thread can own: the buffer itself when the view covers it,
   * otherwise a copy of just the view's bytes. */
  private transferable(data: Uint8Array): ArrayBuffer {
    const buffer = data.buffer;
    if (
      buffer instanceof ArrayBuffer &&
      data.byteOffset === 0 &&
      data.byteLength === buffer.byteLength &&
      data.byteLength >= TRANSFER_MIN_BYTES &&
      !this.ctx.keep.has(buffer)
    ) {
      return buffer;
    }
    return data.slice().buffer;
  }

  private setInfo(info: TorrentInfo, stored: Bitfield | VerifiedPieces | undefined): void {
    this.info = info;
    if (stored instanceof VerifiedPieces) this.verified = stored;
    else this.verified = new VerifiedPieces(info, stored?.length === info.pieceCount ? stored : undefined);
    this.ctx.keep.add(info.infoBytes.buffer);
    this.ctx.keep.add(info.pieces.buffer);
    try {
      this.infoHashV2 = v2InfoHash(info.infoBytes);
      this.infoHashV1 = isTreeOnly(info) ? v1InfoHash(info.infoBytes) : undefined;
    } catch {
      this.infoHashV2 = undefined; // the v1 view was parsed: the magnet link then carries the v1 hash alone
    }
  }

  // --- persistence and views ---

  /** This session's totals, read from the session itself (a stopped session keeps its counts). */
  private sessionTotals(): { downloaded: number; uploaded: number } {
    if (this.session) {
      try {
        return this.session.totals();
      } catch {
        // a broken session: its last stats stand
      }
    }
    return { downloaded: this.lastStats?.downloaded ?? 0, uploaded: this.lastStats?.uploaded ?? 0 };
  }

  uploaded(): number {
    return this.baseUploaded + this.sessionTotals().uploaded;
  }

  downloaded(): number {
    return this.baseDownloaded + this.sessionTotals().downloaded;
  }

  /** Writes the record (batched with the pieces). `critical`: a failure puts the torrent in the error state. */
  /** Writes the record; false when it was not written. */
  async persist(critical: boolean): Promise<boolean> {
    if (this.removed) return false;
    this.countTotals();
    const [key, value] = recordEntry(this.record);
    try {
      await this.ctx.writer.put(key, value);
      return true;
    } catch (error) {
      if (critical) this.fail(storageErrorReason(error));
      return false;
    }
  }

  /** Writes the record once its files' layout is known (the info, or a private share's manifest) and offers the
   * files when that write is done: the service worker that serves them reads this record. */
  private async persistLayout(): Promise<void> {
    const complete =
      this.info !== undefined && (!this.record.private || this.record.private.manifest !== undefined);
    const written = this.persist(true);
    this.ctx.writer.hurry(); // the files wait for it, and a player may be about to ask for one
    if (!(await written) || !complete || this.removed) return;
    this.layoutStored = true;
    this.ctx.milestone?.();
  }

  /** Writes only the totals (a few bytes, batched with the pieces); loadRecords takes them over the record's. */
  private async persistTotals(): Promise<void> {
    if (this.removed) return;
    this.countTotals();
    const [key, value] = totalsEntry(this.record.infoHashHex, this.record.uploaded, this.record.downloaded);
    try {
      await this.ctx.writer.put(key, value);
    } catch {
      // the piece in the same transaction fails too, and that failure is the one the torrent shows
    }
  }

  private countTotals(): void {
    this.record.uploaded = this.uploaded();
    this.record.downloaded = this.downloaded() + this.storingBytes;
    this.persistedTotals = `${this.record.uploaded}:${this.record.downloaded}`;
    this.persistedAt = this.ctx.clock();
  }

  private refreshStats(now: number): SessionStats | undefined {
    if (this.session && !this.halted) {
      try {
        this.lastStats = this.session.stats(now);
      } catch (error) {
        this.fail(`engine error: ${errorMessage(error)}`);
      }
    }
    return this.lastStats;
  }

  announceStats(): AnnounceStats {
    const stats = this.refreshStats(this.ctx.clock());
    return { uploaded: this.uploaded(), downloaded: this.downloaded(), left: this.left(stats) };
  }

  /** The bytes left to fetch, for the tracker. */
  private left(stats: SessionStats | undefined): number {
    if (this.info) return stats ? stats.left : this.info.length - this.storedBytes();
    const left = stats?.left ?? 0;
    return left === 0 ? (this.record.length ?? 1) : left; // metadata unknown: we are a leecher all the same
  }

  private storedBytes(): number {
    return this.info ? (this.verified?.bytes() ?? 0) : 0;
  }

  /** The files the user sees: a private share's real ones (none before its manifest is known), else the info's. */
  files(): FileEntry[] {
    if (!this.record.private) return this.info?.files ?? [];
    return this.privateLayout()?.files ?? [];
  }

  /** A private share's real files over its records (record i = piece i), once the manifest is known. */
  private privateLayout(): FileLayout | undefined {
    const part = this.record.private;
    if (this.plainLayout || !part?.manifest || part.manifestRecords === undefined || !this.info)
      return this.plainLayout;
    const layout = layoutOf(this.info.pieceLength, part.manifestRecords, this.info.length);
    this.plainLayout = { pieceLength: layout.recordSize, files: plainFiles(layout, part.manifest) };
    return this.plainLayout;
  }

  /** A private share's decryption of its pieces (for Save without a service worker); undefined for others. */
  privateFiles(): Promise<PrivateFiles | undefined> {
    const part = this.record.private;
    if (!part || !this.info) return Promise.resolve(undefined);
    if (!part.manifest) return Promise.reject(new Error('The files are not known yet'));
    this.plainFiles ??= PrivateFiles.open(part, this.info);
    return this.plainFiles;
  }

  /**
   * A key from a share link for a torrent already here: kept unless the files are known already (a key that opened
   * the manifest stays); a torrent stopped by a wrong key starts again with this one.
   */
  setKey(key: string): void {
    if (this.removed || this.record.private?.manifest) return;
    // A public torrent stays public: a link cannot make it unreadable by attaching a key to it.
    if (!this.record.private && (this.info?.name ?? this.record.name) !== PRIVATE_SHARE_NAME) return;
    this.record.private = { key };
    this.layoutStored = false;
    this.plainLayout = undefined;
    this.plainFiles = undefined;
    void this.persist(true);
    if (this.error === WRONG_KEY_MESSAGE) this.resume();
    else this.checkManifest();
  }

  /**
   * A private share whose manifest is not known yet (a tab that joined by the share link): once its first pieces
   * are stored, decrypts the manifest; asks for those pieces first meanwhile. A key that does not open them stops
   * the torrent with the reason, before any file is offered.
   */
  private checkManifest(): void {
    const part = this.record.private;
    const info = this.info;
    const verified = this.verified;
    if (!part || part.manifest || !info || !verified || this.findingManifest || this.removed) return;
    if (this.error !== undefined) return;
    this.findingManifest = true;
    let wanted: number[] = [];
    findManifest(part.key, {
      pieceLength: info.pieceLength,
      length: info.length,
      has: (index) => verified.get(index),
      read: (indices) => this.pieces.readPieces(indices),
    })
      .then(
        (step) => {
          if (this.removed) return;
          if ('want' in step) {
            wanted = step.want;
            this.wantPieces(step.want, false);
            return;
          }
          part.manifest = step.manifest;
          part.manifestRecords = step.manifestRecords;
          void this.persistLayout();
        },
        (error: unknown) => this.fail(errorMessage(error)),
      )
      .finally(() => {
        this.findingManifest = false;
        // The pieces it lacked may have been stored meanwhile, with no later piece to look again.
        if (wanted.length > 0 && wanted.every((index) => verified.get(index))) this.checkManifest();
      });
  }

  /** Whether every piece holding bytes of file `fileIndex` is stored (an empty file is complete at once). */
  fileComplete(fileIndex: number): boolean {
    const verified = this.verified;
    const layout = this.record.private ? this.privateLayout() : this.info;
    if (!this.info || !layout || !verified || !layout.files[fileIndex]) return false;
    // A private share's record i is piece i: its plaintext layout finds the pieces.
    const { first, last } = filePieces(layout, fileIndex);
    for (let i = first; i <= last; i++) if (!verified.get(i)) return false;
    return true;
  }

  view(now: number): TorrentView {
    const stats = this.refreshStats(now);
    const info = this.info;
    const pieceCount = info?.pieceCount ?? 0;
    const verified = this.verified;
    const have = verified?.count ?? 0;
    const state = this.error !== undefined ? 'error' : (stats?.state ?? 'stopped');
    // Progress over the chosen files' pieces when some files are skipped.
    const wanted = this.wantedPieces();
    let progress = pieceCount > 0 ? (100 * have) / pieceCount : 0;
    if (wanted && verified) {
      let wantedHave = 0;
      for (let piece = 0; piece < pieceCount; piece++)
        if (wanted.get(piece) && verified.get(piece)) wantedHave++;
      const total = wanted.count();
      progress = total > 0 ? (100 * wantedHave) / total : 100;
    }
    const skipped = new Set(this.record.skippedFiles ?? []);
    const length = info?.length ?? this.record.length ?? 0;
    const shown = this.record.private?.manifest?.name ?? info?.name ?? this.record.name;
    const view: TorrentView = {
      infoHashHex: this.infoHashHex,
      name: shown,
      state,
      magnet: formatMagnet({
        ...this.magnetHashes(),
        name: info?.name ?? this.record.name,
        trackers: this.record.trackers,
        length: info?.length ?? this.record.length,
      }),
      trackers: [...this.record.trackers],
      progress,
      length,
      pieceCount,
      have,
      downloaded: this.downloaded(),
      uploaded: this.uploaded(),
      sessionDownloaded: stats?.downloaded ?? 0,
      sessionUploaded: stats?.uploaded ?? 0,
      left: this.left(stats),
      downloadRate: this.halted ? 0 : shownDownloadRate(stats?.downloadRate ?? 0, state === 'seeding'),
      uploadRate: this.halted ? 0 : (stats?.uploadRate ?? 0),
      peers: this.halted ? 0 : (stats?.peers ?? 0),
      seeds: this.halted ? 0 : (stats?.seeds ?? 0),
      // Offered once the service worker can find them (see layoutStored).
      files:
        info && this.layoutStored
          ? this.files().flatMap((file, index) =>
              // Pad files are never shown, chosen or saved; the others keep their index in the info's list.
              file.pad
                ? []
                : [
                    {
                      index,
                      path: file.path.join('/'),
                      length: file.length,
                      complete: this.fileComplete(index),
                      chosen: !skipped.has(index),
                    },
                  ],
            )
          : [],
      peerStats: this.halted ? [] : peerRows(stats?.peerStats ?? [], this.paths, state === 'seeding'),
      availability: stats ? Array.from(stats.availability) : [],
      addedAt: this.record.addedAt,
    };
    const error = this.error ?? stats?.error;
    if (error !== undefined) view.error = error;
    if (stats?.timeLeft !== undefined && !this.halted) view.timeLeft = stats.timeLeft;
    if (this.record.sharedFiles) view.inPlace = true;
    if (this.record.private) view.shareKey = this.record.private.key;
    if (this.unreachable !== undefined && !this.halted && state !== 'paused')
      view.unreachable = this.unreachable;
    if (this.needsPermission && this.error !== undefined) view.resumeSharing = true;
    return view;
  }
}

/** The ArrayBuffer holding exactly the view's bytes (the view's own buffer when it covers all of it). */
export function exactBuffer(data: Uint8Array): ArrayBuffer {
  const buffer = data.buffer;
  if (buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength)
    return buffer;
  return data.slice().buffer;
}
