// The worker's client: every torrent of the tab, the main thread's requests, restore on start. It takes its storage,
// SHA-1, session factory and post function as arguments, so Node tests run it over an in-memory store. Its rooms:
// the registry of torrents, the router of the page's messages, restore, intake (share, seed, magnet, .torrent),
// exports, and the publisher of the views.
import { toHex } from '../../../../shared/magnet';
import type { NodeHash } from '../../../../shared/engine/file-tree';
import type { Session, SessionOptions } from '../../../../shared/engine/types';
import type { Sha1 } from '../../../../shared/metainfo';
import type { Sha256 } from '../../../../shared/merkle';
import { appSha256, subtleSha1 } from '../../lib/hash';
import type { MainToWorker, TorrentView } from '../../lib/protocol';
import type { KeyValueStore } from '../../lib/storage';
import { browserStorageEstimate, type StorageEstimateLike } from '../../lib/storage-room';
import type { BatchWriterOptions } from '../batch-writer';
import { FilePieceStorage } from '../shared-files';
import type { SyncFileDirectory } from '../sync-file';
import type { HostContext, Post, TorrentHost } from '../torrent-host';
import { runAction, type ActionHandlers } from './actions';
import { ClientStorage } from './client-storage';
import type { ClientCore } from './client-core';
import { getFile, getSharedHandles, getTorrentFile } from './exports';
import { addMagnet } from './intake/magnet';
import { seedTorrent } from './intake/seed';
import { share } from './intake/share';
import { addTorrentFile } from './intake/torrent-file';
import { removeTorrent, shutdown } from './lifecycle';
import { newPeerId } from './peer-id';
import { ViewPublisher } from './publisher';
import { TorrentRegistry } from './registry';
import { restoreTorrents } from './restore';
import { MessageRouter } from './router';

export { newPeerId } from './peer-id';

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

export class Client {
  readonly peerId: Uint8Array;
  private readonly core: ClientCore;
  private readonly router: MessageRouter;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(options: ClientOptions) {
    this.peerId = options.peerId ?? newPeerId();
    const registry = new TorrentRegistry();
    const storage = new ClientStorage(options.store, options);
    const ctx = hostContext(options, this.peerId, registry, storage, () => publisher.publishSoon());
    const publisher = new ViewPublisher(options.post, () => registry.views(ctx.clock()));
    this.core = {
      registry,
      ctx,
      storage,
      publisher,
      estimateStorage: options.estimateStorage ?? browserStorageEstimate,
    };
    const actions = actionHandlers(this.core);
    this.router = new MessageRouter({
      registry,
      post: options.post,
      runAction: (message) => runAction(actions, message, options.post, () => publisher.publish(true)),
      publishSoon: () => publisher.publishSoon(),
      shutdown: () => shutdown(this.core),
    });
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Restores every stored torrent, posts `ready`, then `torrent-active` for each unpaused one. */
  async start(): Promise<void> {
    await restoreTorrents(this.core, (restored) =>
      this.core.ctx.post({ type: 'ready', restored, peerIdHex: toHex(this.peerId) }),
    );
    this.markReady();
    this.publish(true);
  }

  /** One message from the main thread. Actions are answered with a `reply`. */
  async handle(message: MainToWorker): Promise<void> {
    await this.ready;
    await this.router.route(message);
  }

  /** Runs every session's timers. Call every few hundred milliseconds. */
  tick(): void {
    for (const host of this.core.registry.all()) host.tick();
  }

  /** Writes everything queued. */
  flush(): Promise<void> {
    return this.core.storage.writer.flush();
  }

  views(): TorrentView[] {
    return this.core.registry.views(this.core.ctx.clock());
  }

  /** Posts the views that changed since the last post (or the list, unchanged, with `force`). */
  publish(force = false): void {
    this.core.publisher.publish(force);
  }

  /** The torrent with that info hash (tests and the lab). */
  host(infoHashHex: string): TorrentHost | undefined {
    return this.core.registry.get(infoHashHex);
  }
}

/** What every torrent host of this client runs with. */
function hostContext(
  options: ClientOptions,
  peerId: Uint8Array,
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
    peerId,
    createSession: options.createSession,
    keep: new WeakSet(),
    milestone,
    ...(options.pieceForStream ? { pieceForStream: options.pieceForStream } : {}),
    ...(options.retract ? { retract: options.retract } : {}),
    ...(options.nodeHash ? { nodeHash: options.nodeHash } : {}),
    ...(options.torrentKnown ? { torrentKnown: options.torrentKnown } : {}),
    ...(options.torrentGone ? { torrentGone: options.torrentGone } : {}),
  };
  return ctx;
}

/** The worker's side of each action of lib/actions.ts. */
function actionHandlers(core: ClientCore): ActionHandlers {
  const host = (infoHashHex: string) => core.registry.get(infoHashHex);
  return {
    share: (request, context) => share(core, request, context),
    'add-magnet': (request, context) => addMagnet(core, request, context),
    'add-torrent-file': (request, context) => addTorrentFile(core, request, context),
    'seed-torrent': (request, context) => seedTorrent(core, request, context),
    'get-file': (request) => getFile(core, request),
    'get-torrent-file': (request) => getTorrentFile(core, request),
    'get-shared-handles': async (request) => getSharedHandles(core, request),
    'resume-sharing': async ({ infoHashHex }) => {
      await host(infoHashHex)?.resumeShared();
    },
    pause: async ({ infoHashHex }) => host(infoHashHex)?.pause(),
    resume: async ({ infoHashHex }) => host(infoHashHex)?.resume(),
    remove: ({ infoHashHex }) => removeTorrent(core, infoHashHex),
    'choose-files': async ({ infoHashHex, skipped }) => host(infoHashHex)?.chooseFiles(skipped),
    playback: async ({ infoHashHex, fileIndex, position }) =>
      host(infoHashHex)?.playback(fileIndex, position),
    'play-start': async ({ infoHashHex, fileIndex }) => host(infoHashHex)?.playStarting(fileIndex),
  };
}
