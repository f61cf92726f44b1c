// The worker's client: every torrent of the tab, the main thread's requests, restore on start. It takes its storage,
// SHA-1, session factory and post function as arguments, so Node tests run it over an in-memory store. Its rooms:
// the registry of torrents, the router of the page's messages, restore, intake (share, seed, magnet, .torrent),
// exports, and the publisher of the views.
import type { MainToWorker, TorrentView } from '../lib/messages/protocol';
import type { TorrentHost } from './torrent/host';
import { runAction, type ActionHandlers } from './client/action-runner';
import { createCore, type ClientCore, type ClientOptions } from './client/client-core';
import { getEncryptedCopy, getFile, getSharedHandles, getTorrentFile, readPiece } from './client/exports';
import { addMagnet } from './client/intake/add-magnet';
import { seedTorrent } from './client/intake/add-seed';
import { share } from './client/intake/add-share';
import { addTorrentFile } from './client/intake/add-torrent-file';
import { removeTorrent, shutdown } from './client/teardown';
import { restoreTorrents } from './client/restore';
import { MessageRouter } from './client/router';

export { newPeerId } from './client/peer-id';
export type { ClientOptions } from './client/client-core';

export class Client {
  private readonly core: ClientCore;
  private readonly router: MessageRouter;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(options: ClientOptions) {
    this.core = createCore(options);
    const { registry, publisher, transports } = this.core;
    const actions = actionHandlers(this.core);
    this.router = new MessageRouter({
      registry,
      transports,
      runAction: (message) => runAction(actions, message, options.post, () => publisher.publish(true)),
      publishSoon: () => publisher.publishSoon(),
      shutdown: () => shutdown(this.core),
    });
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Restores every stored torrent, posts `ready`, then `torrent-active` for each unpaused one. */
  async start(): Promise<void> {
    await restoreTorrents(this.core, (restored) => this.core.ctx.post({ type: 'ready', restored }));
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

/** The worker's side of each action of lib/messages/actions.ts. */
function actionHandlers(core: ClientCore): ActionHandlers {
  const host = (infoHashHex: string) => core.registry.get(infoHashHex);
  return {
    share: (request, context) => share(core, request, context),
    'add-magnet': (request, context) => addMagnet(core, request, context),
    'add-torrent-file': (request, context) => addTorrentFile(core, request, context),
    'seed-torrent': (request, context) => seedTorrent(core, request, context),
    'get-file': (request) => getFile(core, request),
    'get-torrent-file': (request) => getTorrentFile(core, request),
    'read-piece': (request) => readPiece(core, request),
    'get-encrypted-copy': (request) => getEncryptedCopy(core, request),
    'get-shared-handles': async (request) => getSharedHandles(core, request),
    'resume-sharing': async ({ infoHashHex }) => {
      await host(infoHashHex)?.resumeShared();
    },
    pause: async ({ infoHashHex }) => host(infoHashHex)?.pause(),
    resume: async ({ infoHashHex }) => host(infoHashHex)?.resume(),
    remove: ({ infoHashHex }) => removeTorrent(core, infoHashHex),
    'choose-files': async ({ infoHashHex, skipped }) => host(infoHashHex)?.chooseFiles(skipped),
    playback: async ({ infoHashHex, fileIndex, position }) =>
      host(infoHashHex)?.streams.playback(fileIndex, position),
    'play-start': async ({ infoHashHex, fileIndex }) => host(infoHashHex)?.streams.playStarting(fileIndex),
    'limit-web-seeds': async ({ infoHashHex, bytes }) => host(infoHashHex)?.setWebSeedBudget(bytes),
  };
}
