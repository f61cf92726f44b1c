// What the client's rooms share: the torrents, the context every torrent host runs in, storage, and the publisher;
// and the options a client is made with.
import type { NodeHash } from '../../../../shared/engine/verify/file-tree';
import type { Session, SessionOptions, V2Options } from '../../../../shared/engine/contract/engine-types';
import type { Sha256 } from '../../../../shared/hash/merkle';
import type { Sha1, TorrentInfo } from '../../../../shared/codec/metainfo';
import { appSha256, subtleSha1 } from '../../lib/hash';
import type { KeyValueStore } from '../../lib/storage/storage';
import { browserStorageEstimate, type StorageEstimateLike } from '../../lib/storage/storage-room';
import type { BatchWriterOptions } from '../storage/batch-writer';
import { FilePieceStorage } from '../storage/shared-files';
import type { SyncFileDirectory } from '../storage/sync-file';
import type { HostContext, Post } from '../torrent/context';
import { sessionV2 } from '../v2/v2-session';
import type { OwnedChannels } from '../transport/owned-channels';
import { PeerTransports } from '../transport/peer-transports';
import { ClientStorage } from './client-storage';
import { newPeerId } from './peer-id';
import { ViewPublisher } from './publisher';
import { TorrentRegistry } from './registry';

export interface ClientOptions {
  store: KeyValueStore;
  post: Post;
  createSession: (options: SessionOptions) => Session;
  sha1?: Sha1;
  /** SHA-256 (v2 merkle trees); default SubtleCrypto's. */
  sha256?: Sha256;
  /** The inner nodes' hash of v2 trees (lib/hash.ts: appNodeHash); default the engine's own (@noble/hashes). */
  nodeHash?: NodeHash;
  /** The leaf hashes of v2 pieces off this thread (see HostContext.blockHashes); default `sha256` here. */
  blockHashes?: HostContext['blockHashes'];
  /** Tells the service worker a torrent's record at `Play`, and its removal (see HostContext). */
  torrentKnown?: HostContext['torrentKnown'];
  torrentGone?: HostContext['torrentGone'];
  /** Monotonic milliseconds for the engine (default performance.now). */
  clock?: () => number;
  random?: () => number;
  /** A torrent's peer id, 20 bytes; default a fresh `-SW0100-` id each call. */
  newPeerId?: () => Uint8Array;
  writer?: BatchWriterOptions;
  /** Bytes of pieces kept in memory for serving peers (default 32 MiB). */
  cacheBytes?: number;
  /** The browser's storage quota and usage, checked before a torrent of known size is added. */
  estimateStorage?: () => Promise<StorageEstimateLike | undefined>;
  /** Where piece bytes go, one file per torrent (the origin-private file system); without it, into `store`. */
  pieceDirectory?: SyncFileDirectory;
  /** Gives the service worker a verified piece one of its streams waits for (see HostContext.pieceForStream). */
  pieceForStream?: HostContext['pieceForStream'];
  /** The data channels this worker holds (transport/owned-channels.ts); without it every connection is relayed by
   * the page. */
  channels?: OwnedChannels;
  /** Who makes web-seed requests (see HostContext.seedTransport). */
  seedTransport?: HostContext['seedTransport'];
}

export interface ClientCore {
  readonly registry: TorrentRegistry;
  readonly ctx: HostContext;
  readonly storage: ClientStorage;
  readonly publisher: ViewPublisher;
  /** Each connection's transport to its peer (transport/peer-transports.ts). */
  readonly transports: PeerTransports;
  /** The browser's storage quota and usage, checked before a torrent of known size is added. */
  readonly estimateStorage: () => Promise<StorageEstimateLike | undefined>;
}

/** The hashes a torrent's metadata is checked with. */
export function hashers(core: ClientCore): Pick<HostContext, 'sha1' | 'sha256'> {
  return { sha1: core.ctx.sha1, sha256: core.ctx.sha256 };
}

/**
 * A hybrid's v2 options for its session (v2-session.ts), with `given` piece layers or else those stored for it;
 * undefined for a v1 torrent.
 */
export async function v2Of(
  core: ClientCore,
  info: TorrentInfo,
  given?: ReadonlyMap<string, Uint8Array>,
): Promise<V2Options | undefined> {
  const v2 = await sessionV2(info.infoBytes, hashers(core), given, core.ctx.nodeHash);
  if (!v2 || v2.pieceLayers) return v2;
  const stored = await core.storage.storedLayers(info.infoHashHex);
  return stored && stored.size > 0 ? { ...v2, pieceLayers: stored } : v2;
}

/** The core of a client: an empty registry, storage over `options.store`, and the publisher of its views. */
export function createCore(options: ClientOptions): ClientCore {
  const registry = new TorrentRegistry();
  const storage = new ClientStorage(options.store, options);
  const ctx = hostContext(options, registry, storage, () => publisher.publishSoon());
  const publisher = new ViewPublisher(options.post, () => registry.views(ctx.clock()));
  return {
    registry,
    ctx,
    storage,
    publisher,
    transports: new PeerTransports(options.post, options.channels),
    estimateStorage: options.estimateStorage ?? browserStorageEstimate,
  };
}

/** What every torrent host of this client runs with. */
function hostContext(
  options: ClientOptions,
  registry: TorrentRegistry,
  storage: ClientStorage,
  milestone: () => void,
): HostContext {
  const ctx: HostContext = {
    writer: storage.writer,
    pieces: (ref, info) =>
      ref.sharedFiles && info
        ? new FilePieceStorage(ref.sharedFiles, info, ctx.sha1)
        : // A magnet's host is made before its metadata is known: its layout is the host's info once it is.
          storage.storedPieces(
            ref.storageId,
            storage.writer,
            () => info ?? registry.get(ref.storageId)?.info,
          ),
    sha1: options.sha1 ?? subtleSha1,
    sha256: options.sha256 ?? appSha256,
    post: options.post,
    clock: options.clock ?? (() => performance.now()),
    random: options.random ?? Math.random,
    newPeerId: options.newPeerId ?? newPeerId,
    createSession: options.createSession,
    keep: new WeakSet(),
    milestone,
    ...(options.pieceForStream ? { pieceForStream: options.pieceForStream } : {}),
    ...(options.nodeHash ? { nodeHash: options.nodeHash } : {}),
    ...(options.blockHashes ? { blockHashes: options.blockHashes } : {}),
    ...(options.torrentKnown ? { torrentKnown: options.torrentKnown } : {}),
    ...(options.torrentGone ? { torrentGone: options.torrentGone } : {}),
    ...(options.seedTransport ? { seedTransport: options.seedTransport } : {}),
  };
  return ctx;
}
