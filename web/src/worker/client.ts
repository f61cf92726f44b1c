// The worker's core: every torrent of the tab, the main thread's requests, restore on start. It takes its storage,
// SHA-1, session factory and post function as arguments, so Node tests run it over an in-memory store.
import { Bitfield } from '../../../shared/codec/bitfield';
import type { Session, SessionOptions, V2Options } from '../../../shared/engine/contract/engine-types';
import type { NodeHash } from '../../../shared/engine/verify/file-tree';
import { MagnetError, parseMagnet, toHex } from '../../../shared/codec/magnet';
import { choosePieceLength, type Sha1, type TorrentInfo } from '../../../shared/codec/metainfo';
import { encodeAnyTorrent, parseAnyTorrent, type AnyMetainfo } from '../../../shared/codec/metainfo-v2';
import type { Sha256 } from '../../../shared/hash/merkle';
import type { ActionRequest, ActionResult, AddedTorrent, SharedFile, WorkerAction } from '../lib/actions';
import type { ActionMessage, MainToWorker, TorrentView, WorkerToMain } from '../lib/protocol';
import { appSha256, subtleSha1 } from '../lib/hash';
import { toPosted, ViewDiffer } from '../lib/view-delta';
import { storageErrorReason, torrentKey, totalsKey, type KeyValueStore } from '../lib/storage';
import { BatchWriter, type BatchWriterOptions } from './batch-writer';
import { fileBlob } from './file-blob';
import { PieceCache } from './piece-cache';
import { KeyValuePieceStorage, type PieceStorage } from './piece-storage';
import { PIECE_FILE_TRANSACTION_MS, PieceFiles, SyncFilePieceStorage, type PieceLayout } from './piece-file';
import type { SyncFileDirectory } from './sync-file';
import {
  MAX_START_ATTEMPTS,
  deleteOrphanedShares,
  loadRecords,
  newShareStorageId,
  pieceLayersEntry,
  pieceLayersKey,
  recordEntry,
  storedPieceLayers,
  SHARE_STORAGE_PREFIX,
  type TorrentRecord,
} from './records';
import { SeedError, checkChosenFiles, matchChosenFiles } from './seed-check';
import { HYBRID_SHARES, ShareError, hybridLength, shareFiles, totalSize } from './share';
import { sealShare } from './private-share';
import { PRIVATE_SHARE_NAME } from '../../../shared/private-share/private-share';
import { FilePieceStorage, SharedFileError, type SharedFileRef } from './shared-files';
import { TorrentHost, errorMessage, type HostContext, type Post } from './torrent-host';
import { engineInfo, sessionV2 } from './v2-session';
import { v2PieceMap } from '../../../shared/codec/v2-pieces';
import { browserStorageEstimate, notEnoughRoom, type StorageEstimateLike } from '../lib/storage-room';
import { torrentTrackers } from '../lib/trackers';

export interface ClientOptions {
  store: KeyValueStore;
  post: Post;
  createSession: (options: SessionOptions) => Session;
  sha1?: Sha1;
  /** SHA-256 (v2 merkle trees); default SubtleCrypto's. */
  sha256?: Sha256;
  /** The inner nodes of v2 merkle trees (node-hash.ts); default the engine's, in TypeScript. */
  nodeHash?: NodeHash;
  /** Tells the service worker a torrent's record at `Play`, and its removal (see HostContext). */
  torrentKnown?: HostContext['torrentKnown'];
  torrentGone?: HostContext['torrentGone'];
  /** Monotonic milliseconds for the engine (default performance.now). */
  clock?: () => number;
  random?: () => number;
  /** 20 bytes; default a fresh `-SD0100-` id. */
  peerId?: Uint8Array;
  writer?: BatchWriterOptions;
  /** Bytes of pieces kept in memory for serving peers (default 32 MiB). */
  cacheBytes?: number;
  /** The browser's storage quota and usage, checked before a torrent of known size is added. */
  estimateStorage?: () => Promise<StorageEstimateLike | undefined>;
  /** Where piece bytes go, one file per torrent (the origin-private file system); without it, into `store`. */
  pieceDirectory?: SyncFileDirectory;
  /** Gives the service worker a verified piece one of its streams waits for (see HostContext.pieceForStream). */
  pieceForStream?: HostContext['pieceForStream'];
  /** Drops a queued block from a channel this worker writes (see HostContext.retract). */
  retract?: HostContext['retract'];
}

/** What a handler knows of the message beside its request. */
interface ActionContext {
  requestId: number;
  /** The app's own trackers (see ActionMessage). */
  defaultTrackers: string[];
}

/** One handler per action the worker runs: it answers the action's result, or throws the reason it failed. */
type Handlers = {
  [A in WorkerAction]: (request: ActionRequest<A>, context: ActionContext) => Promise<ActionResult<A>>;
};

/** An action refused, with the reason the user reads. */
class ActionError extends Error {
  override name = 'ActionError';
}

interface ShareProgress {
  requestId: number;
  name: string;
  trackers: string[];
  total: number;
  hashed: number;
  addedAt: number;
  cancelled: boolean;
  /** A `Torrent to seed` being checked against the files chosen. */
  checking?: boolean;
}

const SHARE_ID_PREFIX = 'hashing-';

export class Client {
  readonly peerId: Uint8Array;
  private readonly hosts = new Map<string, TorrentHost>();
  private readonly shares = new Map<string, ShareProgress>();
  private readonly ctx: HostContext;
  private readonly store: KeyValueStore;
  private readonly writer: BatchWriter;
  private readonly cache: PieceCache;
  private readonly files: PieceFiles | undefined;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private lastPublished = '';
  private publishQueued = false;
  /** What the page last received of each torrent's availability and peers (posts carry the changes). */
  private readonly posted = new ViewDiffer();
  private readonly estimateStorage: () => Promise<StorageEstimateLike | undefined>;
  private readonly sha256: Sha256;

  constructor(options: ClientOptions) {
    this.store = options.store;
    this.estimateStorage = options.estimateStorage ?? browserStorageEstimate;
    this.sha256 = options.sha256 ?? appSha256;
    this.writer = new BatchWriter(options.store, {
      ...(options.pieceDirectory ? { minIntervalMs: PIECE_FILE_TRANSACTION_MS } : {}),
      ...options.writer,
    });
    this.peerId = options.peerId ?? newPeerId();
    const cache = new PieceCache(options.store, this.writer, options.cacheBytes);
    this.cache = cache;
    this.files = options.pieceDirectory && new PieceFiles(options.pieceDirectory, options.store, this.writer);
    this.ctx = {
      writer: this.writer,
      pieces: (ref, info) =>
        ref.sharedFiles && info
          ? new FilePieceStorage(ref.sharedFiles, info, this.ctx.sha1)
          : // A magnet's host is made before its metadata is known: its layout is the host's info once it is.
            this.storedPieces(ref.storageId, this.writer, () => info ?? this.hosts.get(ref.storageId)?.info),
      sha1: options.sha1 ?? subtleSha1,
      sha256: this.sha256,
      post: options.post,
      clock: options.clock ?? (() => performance.now()),
      random: options.random ?? Math.random,
      peerId: this.peerId,
      createSession: options.createSession,
      keep: new WeakSet(),
      milestone: () => this.publishSoon(),
      ...(options.pieceForStream ? { pieceForStream: options.pieceForStream } : {}),
      ...(options.retract ? { retract: options.retract } : {}),
      ...(options.nodeHash ? { nodeHash: options.nodeHash } : {}),
      ...(options.torrentKnown ? { torrentKnown: options.torrentKnown } : {}),
      ...(options.torrentGone ? { torrentGone: options.torrentGone } : {}),
    };
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** A torrent's stored pieces: in its file where there is a piece directory (with what IndexedDB holds from
   * before), else in the key-value store. */
  private storedPieces(
    storageId: string,
    writer: BatchWriter,
    layout: () => PieceLayout | undefined,
  ): PieceStorage {
    const keyValue = new KeyValuePieceStorage(this.store, writer, this.cache, storageId);
    return this.files ? new SyncFilePieceStorage(this.files, storageId, layout, keyValue) : keyValue;
  }

  private post(message: WorkerToMain, transfer?: Transferable[]): void {
    this.ctx.post(message, transfer);
  }

  /** Restores every stored torrent, posts `ready`, then `torrent-active` for each unpaused one. */
  async start(): Promise<void> {
    let records: TorrentRecord[] = [];
    let storageError: string | undefined;
    try {
      records = await loadRecords(this.store);
      await deleteOrphanedShares(this.store, records);
      await this.files?.deleteOrphans(
        new Set(records.map((record) => record.storageId)),
        SHARE_STORAGE_PREFIX,
      );
    } catch (error) {
      storageError = storageErrorReason(error);
    }
    // Counted before anything is parsed: a record that kills the worker while it is restored is counted, and is
    // quarantined once it has done so MAX_START_ATTEMPTS times in a row.
    for (const record of records) record.startAttempts = (record.startAttempts ?? 0) + 1;
    await this.writeRecords(records);
    const restored: TorrentHost[] = [];
    for (const record of records) {
      let info: TorrentInfo | undefined;
      let stored: Bitfield | undefined;
      let v2: V2Options | undefined;
      let failure: string | undefined;
      let needsPermission = false;
      try {
        if (record.startAttempts! > MAX_START_ATTEMPTS) {
          record.startAttempts = MAX_START_ATTEMPTS + 1;
          failure =
            `not restored: restoring it stopped the app ${MAX_START_ATTEMPTS} times in a row; ` +
            'remove it (the link still works to add it again)';
        } else if (record.infoBytes) {
          info = await engineInfo(
            new Uint8Array(record.infoBytes),
            { sha1: this.ctx.sha1, sha256: this.sha256 },
            record.infoHashHex,
          );
          if (info.infoHashHex !== record.infoHashHex)
            throw new Error('stored metadata does not match its hash');
          stored = await this.ctx.pieces(record, info).verifiedPieces(info.pieceCount);
          v2 = await this.v2Of(info);
        }
      } catch (error) {
        if (error instanceof SharedFileError) {
          // The files shared in place are unreadable or changed: the torrent stays, stopped with the reason.
          failure = error.message;
          needsPermission = error.permission;
        } else {
          failure = `cannot restore: ${storageErrorReason(error)}`;
          info = undefined;
        }
      }
      const host = new TorrentHost(this.ctx, record, info, stored, v2);
      this.hosts.set(record.infoHashHex, host);
      restored.push(host);
      if (failure) host.error = failure;
      host.needsPermission = needsPermission;
    }
    this.post({ type: 'ready', restored: restored.length, peerIdHex: toHex(this.peerId) });
    for (const host of restored) if (host.error === undefined) host.start();
    const finished = records.filter((record) => record.startAttempts! <= MAX_START_ATTEMPTS);
    for (const record of finished) record.startAttempts = 0;
    await this.writeRecords(finished);
    if (storageError) console.warn(`storage: ${storageError}`);
    this.markReady();
    this.publish(true);
  }

  /** Writes records in one transaction; a storage failure here is left to the torrents' own writes to report. */
  private async writeRecords(records: TorrentRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.store.setMany(records.map(recordEntry));
    } catch {
      // reported when the torrent itself writes
    }
  }

  /** The worker's side of each action of lib/actions.ts. */
  private readonly handlers: Handlers = {
    share: (request, context) => this.share(request, context),
    'add-magnet': (request, context) => this.addMagnet(request, context),
    'add-torrent-file': (request, context) => this.addTorrentFile(request, context),
    'seed-torrent': (request, context) => this.seedTorrent(request, context),
    'get-file': (request) => this.getFile(request),
    'get-torrent-file': (request) => this.getTorrentFile(request),
    'get-shared-handles': async (request) => this.getSharedHandles(request),
    'resume-sharing': async ({ infoHashHex }) => {
      await this.hosts.get(infoHashHex)?.resumeShared();
    },
    pause: async ({ infoHashHex }) => this.hosts.get(infoHashHex)?.pause(),
    resume: async ({ infoHashHex }) => this.hosts.get(infoHashHex)?.resume(),
    remove: ({ infoHashHex }) => this.remove(infoHashHex),
    'choose-files': async ({ infoHashHex, skipped }) => this.hosts.get(infoHashHex)?.chooseFiles(skipped),
    playback: async ({ infoHashHex, fileIndex, position }) =>
      this.hosts.get(infoHashHex)?.playback(fileIndex, position),
    'play-start': async ({ infoHashHex, fileIndex }) => this.hosts.get(infoHashHex)?.playStarting(fileIndex),
  };

  /** One message from the main thread. Actions are answered with a `reply`. */
  async handle(message: MainToWorker): Promise<void> {
    await this.ready;
    switch (message.type) {
      case 'action':
        return this.run(message);
      case 'peer-connected':
        this.withHost(message.infoHashHex, message.peer)?.peerConnected(message.peer, message.identities);
        return;
      case 'peer-data':
        this.hosts.get(message.infoHashHex)?.peerData(message.peer, message.data);
        return;
      case 'peer-closed':
        this.hosts.get(message.infoHashHex)?.peerClosed(message.peer);
        return;
      case 'peer-path':
        this.hosts.get(message.infoHashHex)?.peerPath(message.peer, message.path);
        return;
      case 'reachability':
        this.hosts.get(message.infoHashHex)?.setReachability(message.problem);
        this.publishSoon();
        return;
      case 'peer-backlog':
        this.hosts.get(message.infoHashHex)?.peerBacklog(message.peer, message.backlogged);
        return;
      case 'upload-queue':
        this.hosts.get(message.infoHashHex)?.uploadQueue(message.bytes);
        return;
      case 'want-pieces':
        this.hosts
          .get(message.infoHashHex)
          ?.wantPieces(message.pieces, message.seek, message.behind === true);
        return;
      case 'shutdown':
        await this.shutdown();
        return;
    }
  }

  private withHost(infoHashHex: string, peer: string): TorrentHost | undefined {
    const host = this.hosts.get(infoHashHex);
    if (!host) this.post({ type: 'close', infoHashHex, peer, reason: 'unknown torrent' });
    return host;
  }

  /** Runs an action on its handler and replies with its result or its failure; the list is posted after it. */
  private async run<A extends WorkerAction>(message: ActionMessage<A>): Promise<void> {
    const { requestId, call, defaultTrackers } = message;
    const { op, ...request } = call;
    try {
      // The type makes the table complete; a message of another build (a stale worker) may still name another.
      if (!Object.hasOwn(this.handlers, op)) throw new ActionError('Not a request the engine knows');
      const handler = this.handlers[op] as Handlers[A];
      const value = await handler(request as unknown as ActionRequest<A>, { requestId, defaultTrackers });
      this.post({ type: 'reply', requestId, ok: true, value } as WorkerToMain);
    } catch (error) {
      this.post({ type: 'reply', requestId, ok: false, error: errorMessage(error) });
    } finally {
      this.publish(true);
    }
  }

  // --- adding torrents ---

  private async share(
    message: ActionRequest<'share'>,
    { requestId, defaultTrackers }: ActionContext,
  ): Promise<AddedTorrent> {
    const total = totalSize(message.files);
    if (message.files.length === 0 || total === 0) throw new ActionError('The files hold no data');
    // A private share (issue 27): the files sealed under a fresh key as they are read; the ciphertext is hashed and
    // stored like any share's pieces.
    const sealed = message.encrypt
      ? await sealShare(message.files, message.name).catch((error: unknown) => {
          throw new ActionError(errorMessage(error));
        })
      : undefined;
    // Where every file comes with a persistent handle, nothing is copied: the pieces are read from the files.
    const handles = message.files.map((entry) => entry.handle);
    const inPlace = !sealed && handles.every((handle) => handle !== undefined);
    if (!inPlace) {
      const noRoom = notEnoughRoom(total, await this.estimateStorage());
      if (noRoom) throw new ActionError(noRoom);
    }
    const storageId = newShareStorageId(toHex(randomBytes(8)));
    // Its own writes, in big transactions: a share's pieces are all there at once (nothing else writes under its id,
    // and all are written before its record is).
    const pieceLength = sealed?.pieceLength ?? choosePieceLength(total);
    const torrentLength = sealed
      ? sealed.content.size
      : HYBRID_SHARES
        ? hybridLength(message.files, message.name, pieceLength)
        : total;
    const pieces = this.storedPieces(
      storageId,
      new BatchWriter(this.store, { maxEntries: 1024, maxBytes: 8 * 1024 * 1024, delayMs: 0 }),
      () => ({ pieceLength, length: torrentLength }),
    );
    const progress: ShareProgress = {
      requestId,
      name: message.name,
      trackers: torrentTrackers([], defaultTrackers),
      total,
      hashed: 0,
      addedAt: Date.now(),
      cancelled: false,
    };
    const shareKey = SHARE_ID_PREFIX + requestId;
    this.shares.set(shareKey, progress);
    this.publish(true);
    let info: TorrentInfo;
    let pieceLayers: Map<string, Uint8Array> | undefined;
    try {
      const files = sealed ? [{ file: sealed.content, path: [PRIVATE_SHARE_NAME] }] : message.files;
      info = await shareFiles(files, {
        onPieceLayers: (layers) => (pieceLayers = layers),
        name: sealed ? PRIVATE_SHARE_NAME : message.name,
        sha1: this.ctx.sha1,
        // A private share stays v1: its one file of ciphertext records, one record a piece.
        ...(HYBRID_SHARES && !sealed ? { sha256: this.sha256 } : {}),
        pieceLength,
        ...(inPlace
          ? {}
          : { storePiece: (index: number, data: ArrayBuffer) => pieces.writePiece(index, data) }),
        onProgress: (hashed) => {
          progress.hashed = hashed;
        },
        cancelled: () => progress.cancelled,
      });
    } catch (error) {
      await this.deleteStorage(pieces);
      const reason =
        error instanceof ShareError || (error instanceof Error && error.name === 'MetainfoError')
          ? error.message
          : storageErrorReason(error);
      throw new ActionError(reason);
    } finally {
      this.shares.delete(shareKey);
    }
    const added = await this.seedComplete(
      info,
      {
        storageId,
        trackers: progress.trackers,
        addedAt: progress.addedAt,
        ...(sealed ? { private: sealed.part } : {}),
      },
      pieces,
      // In the info's order (a hybrid's is canonical, not the order given).
      inPlace ? matchChosenFiles(info, message.files, 'the share') : undefined,
      pieceLayers,
    );
    return sealed ? { ...added, name: message.name } : added;
  }

  /**
   * Adds a torrent whose every piece is here (stored under `where.storageId`, or read in place from `inPlace`, the
   * torrent's files other than pad files in the info's order, each with its handle) and starts seeding it.
   */
  private async seedComplete(
    info: TorrentInfo,
    where: Pick<TorrentRecord, 'storageId' | 'trackers' | 'addedAt' | 'private'>,
    pieces: PieceStorage,
    inPlace: readonly SharedFile[] | undefined,
    pieceLayers?: ReadonlyMap<string, Uint8Array>,
  ): Promise<AddedTorrent> {
    const existing = this.hosts.get(info.infoHashHex);
    if (existing) {
      await this.deleteStorage(pieces);
      return { infoHashHex: info.infoHashHex, name: info.name };
    }
    const record: TorrentRecord = {
      infoHashHex: info.infoHashHex,
      name: info.name,
      infoBytes: info.infoBytes.slice().buffer,
      ...where,
      uploaded: 0,
      downloaded: 0,
      paused: false,
      completedAt: Date.now(),
    };
    if (inPlace) {
      record.sharedFiles = inPlace.map((entry): SharedFileRef => ({
        handle: entry.handle!,
        path: entry.path,
        size: entry.file.size,
        lastModified: entry.file.lastModified,
      }));
    }
    if (pieceLayers && pieceLayers.size > 0) {
      try {
        await this.store.setMany([pieceLayersEntry(info.infoHashHex, pieceLayers)]);
      } catch {
        // Only the .torrent handed out lacks them (v1 clients never need them; v2 ones ask peers)
      }
    }
    const v2 = await this.v2Of(info, pieceLayers);
    const host = new TorrentHost(this.ctx, record, info, Bitfield.full(info.pieceCount), v2);
    await host.persist(true);
    if (host.error !== undefined) {
      await this.deleteStorage(pieces, record);
      throw new ActionError(host.error);
    }
    this.hosts.set(info.infoHashHex, host);
    host.start();
    return { infoHashHex: info.infoHashHex, name: info.name };
  }

  /**
   * `Torrent to seed`: a .torrent made anywhere, seeded from the user's copy of its files once every piece matches
   * them (read in place where every file has a handle, else copied into storage as it is checked).
   */
  private async seedTorrent(
    message: ActionRequest<'seed-torrent'>,
    { requestId, defaultTrackers }: ActionContext,
  ): Promise<AddedTorrent> {
    let metainfo: AnyMetainfo;
    try {
      metainfo = await parseAnyTorrent(new Uint8Array(message.torrent), {
        sha1: this.ctx.sha1,
        sha256: this.sha256,
      });
    } catch (error) {
      throw new ActionError(`Not a valid .torrent file: ${torrentFileReason(errorMessage(error))}`);
    }
    // A v2-only torrent runs by its piece map, under its truncated v2 hash.
    const info = metainfo.info.v1 ?? v2PieceMap(metainfo.info.v2!);
    const existing = this.hosts.get(info.infoHashHex);
    if (existing)
      throw new ActionError(
        `${existing.record.name} is already in your list: remove it to seed it from your files`,
      );
    let matched: SharedFile[];
    try {
      matched = matchChosenFiles(
        info,
        message.files,
        message.from === 'folder' ? 'the folder' : 'the files chosen',
      );
    } catch (error) {
      throw new ActionError(errorMessage(error));
    }
    const inPlace = matched.every((entry) => entry.handle !== undefined);
    if (!inPlace) {
      const noRoom = notEnoughRoom(info.length, await this.estimateStorage());
      if (noRoom) throw new ActionError(noRoom);
    }
    const storageId = newShareStorageId(toHex(randomBytes(8)));
    const pieces = this.storedPieces(
      storageId,
      new BatchWriter(this.store, { maxEntries: 1024, maxBytes: 8 * 1024 * 1024, delayMs: 0 }),
      () => info,
    );
    const progress: ShareProgress = {
      requestId,
      name: info.name,
      trackers: torrentTrackers(metainfo.announce.flat(), defaultTrackers),
      total: matched.reduce((sum, entry) => sum + entry.file.size, 0),
      hashed: 0,
      addedAt: Date.now(),
      cancelled: false,
      checking: true,
    };
    const shareKey = SHARE_ID_PREFIX + requestId;
    this.shares.set(shareKey, progress);
    this.publish(true);
    try {
      await checkChosenFiles(
        metainfo.info,
        matched.map((entry) => entry.file),
        {
          sha1: this.ctx.sha1,
          sha256: this.sha256,
          ...(inPlace ? {} : { storePiece: (index, data) => pieces.writePiece(index, data) }),
          onProgress: (checked) => {
            progress.hashed = checked;
          },
          cancelled: () => progress.cancelled,
        },
      );
    } catch (error) {
      await this.deleteStorage(pieces);
      throw new ActionError(error instanceof SeedError ? error.message : storageErrorReason(error));
    } finally {
      this.shares.delete(shareKey);
    }
    return this.seedComplete(
      info,
      { storageId, trackers: progress.trackers, addedAt: progress.addedAt },
      pieces,
      inPlace ? matched : undefined,
      metainfo.pieceLayers,
    );
  }

  private async addMagnet(
    message: ActionRequest<'add-magnet'>,
    { defaultTrackers }: ActionContext,
  ): Promise<AddedTorrent> {
    let link;
    try {
      link = parseMagnet(message.link.trim(), { v2: true });
    } catch (error) {
      throw new ActionError(error instanceof MagnetError ? error.message : 'Not a magnet link or info hash');
    }
    // A btmh-only link to a hybrid we have under its v1 hash is that torrent.
    const v2Hex = link.v2Only ? link.infoHashV2Hex : undefined;
    const existing =
      this.hosts.get(link.infoHashHex) ??
      [...this.hosts.values()].find((host) => v2Hex && host.infoHashV2 && toHex(host.infoHashV2) === v2Hex);
    if (existing) {
      // The share link of a torrent added without its key (or with a wrong one): the key opens it now.
      if (message.key !== undefined) existing.setKey(message.key);
      return { infoHashHex: existing.infoHashHex, name: existing.record.name };
    }
    const record: TorrentRecord = {
      infoHashHex: link.infoHashHex,
      name: link.name ?? link.infoHashHex,
      trackers: torrentTrackers(link.trackers, defaultTrackers),
      storageId: link.infoHashHex,
      addedAt: Date.now(),
      uploaded: 0,
      downloaded: 0,
      paused: false,
    };
    if (link.select) record.selectOnly = link.select;
    // A btmh-only link: the session joins by the truncated v2 hash and checks the metadata against the full one.
    if (link.v2Only && link.infoHashV2Hex) record.infoHashV2 = link.infoHashV2Hex;
    if (message.key !== undefined) record.private = { key: message.key };
    if (link.length !== undefined) {
      const noRoom = notEnoughRoom(link.length, await this.estimateStorage());
      if (noRoom) throw new ActionError(noRoom);
      if (this.hosts.has(link.infoHashHex)) return { infoHashHex: link.infoHashHex, name: record.name };
      record.length = link.length;
    }
    // A hybrid's link (both hashes): its session announces v2 before the metadata, and speaks it once known.
    this.addHost(record, undefined, undefined, undefined, link.infoHashV2 !== undefined && !link.v2Only);
    return { infoHashHex: record.infoHashHex, name: record.name };
  }

  private async addTorrentFile(
    message: ActionRequest<'add-torrent-file'>,
    { defaultTrackers }: ActionContext,
  ): Promise<AddedTorrent> {
    let metainfo;
    try {
      metainfo = await parseAnyTorrent(new Uint8Array(message.bytes), {
        sha1: this.ctx.sha1,
        sha256: this.sha256,
      });
    } catch (error) {
      throw new ActionError(`Not a valid .torrent file: ${torrentFileReason(errorMessage(error))}`);
    }
    // A v1 or hybrid torrent runs by its v1 view; a v2-only one by its piece map, under its truncated v2 hash.
    const info = metainfo.info.v1 ?? v2PieceMap(metainfo.info.v2!);
    const existing = this.hosts.get(info.infoHashHex);
    if (existing) return { infoHashHex: info.infoHashHex, name: existing.record.name };
    // Pieces left behind by an earlier download of the same torrent were verified before they were stored.
    let stored: Bitfield | undefined;
    try {
      stored = await this.ctx.pieces({ storageId: info.infoHashHex }).verifiedPieces(info.pieceCount);
    } catch {
      stored = undefined;
    }
    const missing = info.length - (stored?.count() ?? 0) * info.pieceLength;
    const noRoom = notEnoughRoom(missing, await this.estimateStorage());
    if (noRoom) throw new ActionError(noRoom);
    if (this.hosts.has(info.infoHashHex)) return { infoHashHex: info.infoHashHex, name: info.name };
    const record: TorrentRecord = {
      infoHashHex: info.infoHashHex,
      name: info.name,
      trackers: torrentTrackers(metainfo.announce.flat(), defaultTrackers),
      infoBytes: info.infoBytes.slice().buffer,
      storageId: info.infoHashHex,
      addedAt: Date.now(),
      uploaded: 0,
      downloaded: 0,
      paused: false,
    };
    // The piece layers it carries (checked against their roots) are kept beside its record.
    const layers = metainfo.pieceLayers.size > 0 ? metainfo.pieceLayers : undefined;
    if (layers)
      await this.store.setMany([pieceLayersEntry(info.infoHashHex, layers)]).catch(() => {
        // v2 peers are asked for them
      });
    const v2 = await this.v2Of(info, layers);
    if (this.hosts.has(info.infoHashHex)) return { infoHashHex: info.infoHashHex, name: info.name };
    this.addHost(record, info, stored, v2);
    return { infoHashHex: info.infoHashHex, name: info.name };
  }

  private addHost(
    record: TorrentRecord,
    info: TorrentInfo | undefined,
    stored: Bitfield | undefined,
    v2?: V2Options,
    hybridLink = false,
  ): TorrentHost {
    const host = new TorrentHost(this.ctx, record, info, stored, v2);
    host.hybridLink = hybridLink;
    this.hosts.set(record.infoHashHex, host);
    host.start();
    void host.persist(true);
    return host;
  }

  // --- files out ---

  private async getFile(message: ActionRequest<'get-file'>): Promise<Blob> {
    const host = this.hosts.get(message.infoHashHex);
    if (!host) throw new ActionError('Unknown torrent');
    const info = host.info;
    if (!info) throw new ActionError('The torrent metadata is not known yet');
    if (!host.files()[message.fileIndex]) throw new ActionError('No such file in the torrent');
    if (!host.fileComplete(message.fileIndex)) throw new ActionError('The file is not complete yet');
    try {
      const plain = await host.privateFiles();
      if (plain)
        return await fileBlob(plain.files, message.fileIndex, async (indices) => {
          const pieces = await host.pieces.readPieces(indices);
          return Promise.all(pieces.map((piece, k) => plain.decrypt(indices[k], piece)));
        });
      return await fileBlob(info, message.fileIndex, (indices) => host.pieces.readPieces(indices));
    } catch (error) {
      throw new ActionError(storageErrorReason(error));
    }
  }

  private async getTorrentFile(
    message: ActionRequest<'get-torrent-file'>,
  ): Promise<{ blob: Blob; name: string }> {
    const host = this.hosts.get(message.infoHashHex);
    if (!host) throw new ActionError('Unknown torrent');
    if (!host.info) throw new ActionError('The torrent metadata is not known yet');
    // A hybrid's piece layers go beside its info dictionary where the app has them (shares, seeded .torrents, or
    // learned from peers): those its sessions hold, else those stored.
    const held = host.v2?.pieceLayers;
    const pieceLayers = held && held.size > 0 ? new Map(held) : await this.storedLayers(host.infoHashHex);
    const bytes = encodeAnyTorrent({
      info: host.info,
      ...(pieceLayers ? { pieceLayers } : {}),
      announce: host.record.trackers.map((tracker) => [tracker]),
    });
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-bittorrent' });
    return { blob, name: `${host.info.name}.torrent` };
  }

  /** A torrent's piece layers as stored beside its record (pieceLayersKey), if any. */
  private async storedLayers(infoHashHex: string): Promise<Map<string, Uint8Array> | undefined> {
    try {
      const [stored] = await this.store.getMany([pieceLayersKey(infoHashHex)]);
      return storedPieceLayers(stored);
    } catch {
      return undefined;
    }
  }

  /**
   * A hybrid's v2 options for its session (v2-session.ts), with `given` piece layers or else those stored for it;
   * undefined for a v1 torrent.
   */
  private async v2Of(
    info: TorrentInfo,
    given?: ReadonlyMap<string, Uint8Array>,
  ): Promise<V2Options | undefined> {
    const hashers = { sha1: this.ctx.sha1, sha256: this.sha256 };
    const v2 = await sessionV2(info.infoBytes, hashers, given, this.ctx.nodeHash);
    if (!v2 || v2.pieceLayers) return v2;
    const stored = await this.storedLayers(info.infoHashHex);
    return stored && stored.size > 0 ? { ...v2, pieceLayers: stored } : v2;
  }

  private getSharedHandles(message: ActionRequest<'get-shared-handles'>): FileSystemFileHandle[] {
    const files = this.hosts.get(message.infoHashHex)?.record.sharedFiles;
    if (!files) throw new ActionError('This torrent is not shared from files on disk');
    return files.map((ref) => ref.handle as FileSystemFileHandle);
  }

  // --- lifecycle ---

  private async remove(infoHashHex: string): Promise<void> {
    const share = this.shares.get(infoHashHex);
    if (share) share.cancelled = true;
    const host = this.hosts.get(infoHashHex);
    if (!host) return;
    this.hosts.delete(infoHashHex);
    host.stop();
    host.removed = true;
    this.ctx.torrentGone?.(infoHashHex);
    this.publish(true);
    await this.deleteStorage(host.pieces, host.record);
  }

  /** Deletes a torrent's record, then its pieces, after the writes already queued, so none lands afterwards. (Pieces
   * left by a failure in between were verified: adding the torrent again resumes from them.) */
  private async deleteStorage(pieces: PieceStorage, record?: TorrentRecord): Promise<void> {
    try {
      // Both deletes are queued now, in this turn, ahead of anything asked after the remove.
      const recordDeleted =
        record &&
        this.writer.after(() =>
          this.store.delMany([
            torrentKey(record.infoHashHex),
            totalsKey(record.infoHashHex),
            pieceLayersKey(record.infoHashHex),
          ]),
        );
      await Promise.all([recordDeleted, pieces.deleteAll()]);
    } catch (error) {
      console.warn(`could not delete stored data: ${storageErrorReason(error)}`);
    }
  }

  /** The page is going away: every torrent announces stopped; pending writes and records are flushed. */
  private async shutdown(): Promise<void> {
    for (const host of this.hosts.values()) {
      void host.persist(false);
      host.stop();
    }
    await this.writer.flush();
  }

  /** Runs every session's timers. Call every few hundred milliseconds. */
  tick(): void {
    for (const host of this.hosts.values()) host.tick();
  }

  /** Writes everything queued. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  views(): TorrentView[] {
    const now = this.ctx.clock();
    const views: TorrentView[] = [];
    for (const [key, share] of this.shares) {
      views.push({
        infoHashHex: key,
        name: share.name,
        state: 'fetching-metadata',
        magnet: '',
        trackers: share.trackers,
        progress: 0,
        length: share.total,
        pieceCount: 0,
        have: 0,
        downloaded: 0,
        uploaded: 0,
        downloadRate: 0,
        uploadRate: 0,
        peers: 0,
        seeds: 0,
        files: [],
        peerStats: [],
        availability: [],
        addedAt: share.addedAt,
        hashing: share.total > 0 ? share.hashed / share.total : 0,
        ...(share.checking ? { checking: true } : {}),
      });
    }
    for (const host of this.hosts.values()) views.push(host.view(now));
    return views;
  }

  /** Publishes once the current task is done (milestones come from inside the engine's action loop). */
  private publishSoon(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(() => {
      this.publishQueued = false;
      this.publish();
    });
  }

  /** Posts the torrent list when it changed since the last post (or always with `force`). */
  publish(force = false): void {
    const views = this.views();
    const signature = JSON.stringify(views);
    if (!force && signature === this.lastPublished) return;
    this.lastPublished = signature;
    this.post({ type: 'torrents', torrents: toPosted(this.posted, views) });
  }

  /** The torrent with that info hash (tests and the lab). */
  host(infoHashHex: string): TorrentHost | undefined {
    return this.hosts.get(infoHashHex);
  }
}

/** The parser's reason, without repeating that this is not a .torrent file. */
function torrentFileReason(message: string): string {
  const wrapped = /^Not a \.torrent file \((.*)\)$/s.exec(message);
  const reason = wrapped ? wrapped[1] : message;
  // A parser's words (`invalid bencode: unexpected byte 0x74 at byte 0`) mean nothing to a user: say what happened.
  if (/^(invalid bencode|not a dictionary)/i.test(reason))
    return 'this file is not in the .torrent format (choose the .torrent file a BitTorrent app made)';
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

const PEER_ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Azureus-style `-SD0100-` followed by 12 random alphanumerics (printable, so it survives as a JSON string). */
export function newPeerId(): Uint8Array {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode('-SD0100-'));
  const random = randomBytes(12);
  for (let i = 0; i < 12; i++) id[8 + i] = PEER_ID_CHARS.charCodeAt(random[i] % PEER_ID_CHARS.length);
  return id;
}
