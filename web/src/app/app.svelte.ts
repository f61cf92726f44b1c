// The app's state for the components (Svelte 5 runes), in parts: the torrents as shown (torrents.svelte.ts), the
// settings (settings.svelte.ts), the engine wherever it runs (engine.svelte.ts), the file pickers (pickers.ts). This
// file holds the user's intents: each checks its input, runs its action on the engine and shows what failed.
// App.svelte hands each component what it shows and the intents it calls, as props.
import { baseName } from '../lib/ui/format';
import type { TorrentView } from '../lib/messages/protocol';
import { planFolderPaths, type FolderLike } from '../lib/files/folder-names';
import { safeFileName } from '../lib/files/safe-name';
import { openedLink } from './opened-link';
import { readDownloadInput } from '../lib/links/download-input';
import { addFailure } from './add-failure';
import { WRONG_KEY_MESSAGE } from '../../../shared/private-share/private-share';
import { pickedFromHandles, ShareInputError, shareRequest, type PickedFile } from '../lib/files/share-input';
import { parseUploadLimit } from '../lib/ui/upload-limit';
import type { WorkerLike } from '../net/page/engine-bridge';
import { fileUrl } from '../sw/file-response';
import { fetchingWords } from '../lib/links/exact-source-words';
import { zipUrl } from '../sw/zip-url';
import { filesToSave } from './save-all';
import { HeldLaunches } from './held.svelte';
import { askToNotify } from './notify';
import { pieceBytes, torrentFileBytes } from './engine-bytes';
import { EngineLink, message } from './engine.svelte';
import { defaultTracker } from './peer-config';
import {
  canPickFolder,
  canShareInPlace,
  download,
  followAttachment,
  pickSaveFolder,
  pickToShare,
} from './pickers';
import { positionOf, worthSending, type SentPosition } from './playback';
import { Settings } from './settings.svelte';
import { listedHash } from './listed-hash';
import { notATorrent } from './check-torrent';
import { TorrentsState } from './torrents.svelte';

export type { FieldErrors, PendingLink, SpeedSample } from './torrents.svelte';

import type { TorrentActions } from './torrent-actions';
export type { TorrentActions } from './torrent-actions';

class AppState implements TorrentActions {
  readonly torrents = new TorrentsState();
  readonly settings = new Settings();
  readonly engine = new EngineLink(this.torrents, this.settings);
  /** What the system handed the app, until the user confirms it (held.svelte.ts). */
  readonly held = new HeldLaunches(this);
  /** Whether this browser hands out persistent file handles (File System Access): shares read files in place. */
  get canShareInPlace(): boolean {
    return canShareInPlace();
  }
  /** Whether this browser can write straight into a folder, or share one in place (File System Access). */
  get canPickFolder(): boolean {
    return canPickFolder();
  }
  private persistenceAsked = false;
  /** The bytes of the `Torrent to seed` chosen, until it is seeded. */
  private seedTorrentBytes: ArrayBuffer | undefined;
  private starting: Promise<void> | undefined;

  /** Starts the engine, or a view of the engine tab (once); then opens the link the page was opened with. */
  start(createWorker: () => WorkerLike): Promise<void> {
    this.starting ??= (async () => {
      // The link the page was opened with is shown at once: its `Download` waits for the engine if need be.
      addEventListener('hashchange', () => void this.openFromHash());
      await this.openFromHash();
      await this.engine.start(createWorker);
      // Files and links the system hands the installed app (launch.ts).
      this.held.receive();
    })();
    return this.starting;
  }

  /**
   * `/#<magnet link or info hash>`: shows what the link would download and waits for `Download`. Any page can
   * link here, so nothing is announced and no peer is contacted before the user confirms.
   */
  private async openFromHash(): Promise<void> {
    const raw = location.hash.slice(1);
    if (!raw) return;
    // The fragment leaves the address bar: a private share's key is not left there.
    history.replaceState(null, '', location.pathname + location.search);
    const opened = openedLink(raw, defaultTracker(location));
    if ('error' in opened) this.torrents.fail('magnet', opened.error);
    else if (!this.torrents.showIfListed(opened.pending.infoHashHex))
      this.torrents.pendingLink = opened.pending;
  }

  /** `Download` in the confirmation: adds the link's torrent. */
  async confirmLink(): Promise<void> {
    const pending = this.torrents.pendingLink;
    this.torrents.pendingLink = null;
    if (pending) await this.addMagnet(pending.link, pending.key);
  }

  cancelLink(): void {
    this.torrents.pendingLink = null;
  }

  /**
   * Asks once, on the first share or download, that the browser keep our storage under pressure instead of
   * evicting it (a download of gigabytes should not vanish when the disk fills).
   */
  private askPersistence(): void {
    if (this.persistenceAsked) return;
    this.persistenceAsked = true;
    navigator.storage?.persist?.().catch(() => false);
  }

  setRelayOnly(on: boolean): void {
    this.engine.applyRelayOnly(on);
    if (this.engine.remoteEngine) this.engine.act({ op: 'set-relay-only', on });
  }

  /**
   * `Upload limit` as typed: a whole number of KiB/s from 1 up, or empty for none. Anything else is refused with a
   * message under the field (the limit in force stays); a value that is taken clears it.
   */
  setUploadLimit(text: string, badInput = false): boolean {
    const parsed = parseUploadLimit(text, badInput);
    if ('error' in parsed) {
      this.torrents.fail('uploadLimit', parsed.error);
      return false;
    }
    this.torrents.fail('uploadLimit', undefined);
    this.engine.applyUploadLimit(parsed.kib);
    if (this.engine.remoteEngine) this.engine.act({ op: 'set-upload-limit', kib: parsed.kib });
    return true;
  }

  /** `Tell me when a download finishes`: turned on, the browser asks for the permission (only now, in the click). */
  async setNotifyDone(on: boolean): Promise<void> {
    this.torrents.fail('general', undefined);
    const granted = on && (await askToNotify());
    this.settings.rememberNotifyDone(granted);
    if (on && !granted)
      this.torrents.fail(
        'general',
        'Notifications are blocked for this site: allow them in the browser’s settings.',
      );
  }

  /** "Also at": servers that hold the next shares' files too (checked URLs), named in their links. */
  alsoAt = $state<string[]>([]);

  /** Shares files, encrypted as `Encrypt for people with the link` says. */
  async share(picked: PickedFile[], encrypt = this.settings.encrypt): Promise<void> {
    const torrents = this.torrents;
    torrents.fail('share', undefined);
    let request;
    try {
      request = shareRequest(picked);
    } catch (error) {
      if (error instanceof ShareInputError) torrents.fail('share', error.message);
      else throw error;
      return;
    }
    this.askPersistence();
    torrents.pendingShares++;
    try {
      const webSeeds = this.alsoAt.length > 0 ? { webSeeds: [...this.alsoAt] } : {};
      const added = await this.engine.call({
        op: 'share',
        files: request.files,
        name: request.name,
        encrypt,
        ...webSeeds,
      });
      torrents.clearErrors();
      torrents.show(added.infoHashHex, undefined, 'copy-link');
    } catch (error) {
      torrents.fail('share', `Could not share “${request.name}”: ${message(error)}`);
    } finally {
      torrents.pendingShares--;
    }
  }

  /** `Torrent to seed`: the .torrent is kept until its files are chosen (read at once: the pick may not last). */
  async chooseSeedTorrent(file: File): Promise<void> {
    const torrents = this.torrents;
    torrents.fail('seed', undefined);
    this.seedTorrentBytes = undefined;
    torrents.seedTorrentName = undefined;
    try {
      const bytes = await file.arrayBuffer();
      const refused = await notATorrent(bytes);
      if (refused) {
        torrents.fail('seed', `“${file.name}” cannot be seeded. ${refused}`);
        return;
      }
      this.seedTorrentBytes = bytes;
      torrents.seedTorrentName = file.name;
    } catch (error) {
      this.seedTorrentBytes = undefined;
      torrents.seedTorrentName = undefined;
      torrents.fail('seed', `Could not read “${file.name}”: ${message(error)}`);
    }
  }

  /**
   * `Folder to seed it from` / `Files to seed it from`: the engine checks every piece of the chosen torrent against
   * these files and seeds it under its own info hash when they all match.
   */
  async seedFrom(picked: PickedFile[], from: 'folder' | 'files'): Promise<void> {
    const torrents = this.torrents;
    torrents.fail('seed', undefined);
    const torrent = this.seedTorrentBytes;
    if (!torrent) {
      torrents.fail('seed', 'Choose the torrent to seed first, then its folder or files');
      return;
    }
    if (picked.length === 0) return;
    this.askPersistence();
    const files = picked.map((entry) => ({
      file: entry.file,
      path: (entry.relativePath || entry.file.name).split('/').filter((part) => part !== ''),
      ...(entry.handle ? { handle: entry.handle } : {}),
    }));
    torrents.seedChecking = true;
    try {
      // A copy: the bytes are transferred or cloned away, and a mismatch lets the user choose other files.
      const added = await this.engine.call({ op: 'seed-torrent', torrent: torrent.slice(0), files, from });
      this.seedTorrentBytes = undefined;
      torrents.seedTorrentName = undefined;
      torrents.clearErrors();
      torrents.show(added.infoHashHex, undefined, 'copy-link');
    } catch (error) {
      torrents.fail('seed', `Could not seed “${torrents.seedTorrentName}”: ${message(error)}`);
    } finally {
      torrents.seedChecking = false;
    }
  }

  /**
   * `Files to seed it from` / `Folder to seed it from` where the browser hands out file handles (and copies are not
   * asked for): the torrent's files picked with persistent handles, so that once they match they are read in place,
   * not copied into the browser.
   */
  async seedInPlace(what: 'files' | 'folder'): Promise<void> {
    const handles = await pickToShare(what);
    if (!handles) return;
    try {
      await this.seedFrom(await pickedFromHandles(handles), what);
    } catch (error) {
      this.torrents.fail('seed', `Could not read the chosen files: ${message(error)}`);
    }
  }

  /**
   * `Share files` / `Share a folder` where the browser hands out file handles (and copies are not asked for): files
   * (or a folder, walked) picked with persistent handles, read in place by the engine.
   */
  async shareInPlace(what: 'files' | 'folder'): Promise<void> {
    const handles = await pickToShare(what);
    if (!handles) return;
    try {
      await this.share(await pickedFromHandles(handles));
    } catch (error) {
      this.torrents.fail('share', `Could not read the chosen files: ${message(error)}`);
    }
  }

  /**
   * `Resume sharing`: asks the browser again for permission to read a torrent's shared files (this click is the
   * gesture it wants), then the engine checks them and shares them again.
   */
  async resumeSharing(view: TorrentView): Promise<void> {
    try {
      const handles = await this.engine.call({ op: 'get-shared-handles', infoHashHex: view.infoHashHex });
      for (const handle of handles) {
        const withPermission = handle as FileSystemFileHandle & {
          requestPermission?: (options: { mode: 'read' }) => Promise<PermissionState>;
        };
        const state = (await withPermission.requestPermission?.({ mode: 'read' })) ?? 'granted';
        if (state !== 'granted') throw new Error(`the browser did not allow reading ${handle.name}`);
      }
      await this.engine.call({ op: 'resume-sharing', infoHashHex: view.infoHashHex });
      // It works again: an earlier message about this torrent no longer applies.
      if (this.torrents.errors.generalAbout === view.infoHashHex) this.torrents.dismiss('general');
    } catch (error) {
      this.torrents.fail(
        'general',
        `Could not resume sharing “${view.name}”: ${message(error)}`,
        view.infoHashHex,
      );
    }
  }

  /** `input`: a share link, a magnet link or an info hash; `key`: a private share's, from its share link. */
  async addMagnet(input: string, givenKey?: string): Promise<boolean> {
    const torrents = this.torrents;
    if (!input.trim()) {
      torrents.fail('magnet', 'Enter a share link, a magnet link or a 40-character info hash');
      return false;
    }
    const given = readDownloadInput(input);
    if (given.badKey) {
      torrents.fail('magnet', WRONG_KEY_MESSAGE);
      return false;
    }
    const { link } = given;
    const key = givenKey ?? given.key;
    torrents.fail('magnet', undefined);
    if (torrents.showIfListed(listedHash(link))) return true;
    this.askPersistence();
    // The worker fetches a link's .torrent from its web server before it lists the torrent: said meanwhile.
    torrents.fetchingSource = fetchingWords(link);
    try {
      const added = await this.engine.call({ op: 'add-magnet', link, ...(key ? { key } : {}) });
      torrents.added(added);
      torrents.show(added.infoHashHex);
      torrents.clearErrors();
      return true;
    } catch (error) {
      torrents.fail('magnet', addFailure(given.kind, message(error)));
      return false;
    } finally {
      torrents.fetchingSource = undefined;
    }
  }

  async openTorrentFile(file: File): Promise<void> {
    this.torrents.fail('torrentFile', undefined);
    this.askPersistence();
    try {
      const bytes = await file.arrayBuffer();
      const added = await this.engine.call({ op: 'add-torrent-file', bytes });
      this.torrents.added(added);
      this.torrents.show(added.infoHashHex);
      this.torrents.clearErrors();
    } catch (error) {
      this.torrents.fail('torrentFile', `Could not open “${file.name}”: ${message(error)}`);
    }
  }

  async saveFile(view: TorrentView, fileIndex: number): Promise<void> {
    const file = view.files.find((f) => f.index === fileIndex);
    if (!file) return;
    const name = safeFileName(baseName(file.path));
    if (this.engine.streams) {
      // Streamed by the service worker from the stored pieces: the browser's own download, at flat memory.
      followAttachment(fileUrl(view.infoHashHex, fileIndex, file.path, true));
      return;
    }
    try {
      const blob = await this.engine.call({ op: 'get-file', infoHashHex: view.infoHashHex, fileIndex });
      download(blob, name);
    } catch (error) {
      this.torrents.fail('general', `Could not save “${file.path}”: ${message(error)}`, view.infoHashHex);
    }
  }

  /** `Save all as .zip`: the chosen files in one zip the service worker streams (browsers with no folder picker). */
  saveAllAsZip(view: TorrentView): void {
    const indices = filesToSave(view).map((file) => file.index);
    followAttachment(zipUrl(view.infoHashHex, safeFileName(view.name, 'download'), indices));
  }

  /** `Save all to a folder`: the chosen files of the torrent, written into a folder the user picks. */
  async saveAllToFolder(view: TorrentView): Promise<void> {
    const root = await pickSaveFolder();
    if (!root) return;
    try {
      const single = view.files.length === 1 && view.files[0].path === view.name;
      const finished = filesToSave(view);
      // Names made safe first, then clashes resolved, against each other and against what the folder holds: a file
      // already there is never overwritten (the new one is saved as `name (2).ext`).
      const paths = finished.map((file) => (single ? [file.path] : [view.name, ...file.path.split('/')]));
      const plans = await planFolderPaths(root as unknown as FolderLike, paths);
      for (const [i, file] of finished.entries()) {
        const { folder, name } = plans[i];
        const handle = (await folder.getFileHandle(name, { create: true })) as FileSystemFileHandle;
        const writable = await handle.createWritable();
        // Piece by piece from the service worker's stream when there is one; otherwise from a Blob of the pieces.
        const body = this.engine.streams
          ? (await fetch(fileUrl(view.infoHashHex, file.index, file.path))).body
          : (
              await this.engine.call({ op: 'get-file', infoHashHex: view.infoHashHex, fileIndex: file.index })
            ).stream();
        if (!body) throw new Error('the file stream is empty');
        await body.pipeTo(writable);
      }
    } catch (error) {
      this.torrents.fail(
        'general',
        `Could not save “${view.name}” to the folder: ${message(error)}`,
        view.infoHashHex,
      );
    }
  }

  saveTorrentFile(view: TorrentView): Promise<void> {
    return this.saveFromEngine(
      view,
      'get-torrent-file',
      'download.torrent',
      'Could not build the .torrent file',
    );
  }

  saveEncryptedCopy(view: TorrentView): Promise<void> {
    return this.saveFromEngine(
      view,
      'get-encrypted-copy',
      'private share',
      'Could not save the encrypted copy',
    );
  }

  /** Saves a file the engine makes for the torrent under the name it gives (made safe); a failure in words. */
  private async saveFromEngine(
    view: TorrentView,
    op: 'get-torrent-file' | 'get-encrypted-copy',
    fallback: string,
    failure: string,
  ): Promise<void> {
    try {
      const { blob, name } = await this.engine.call({ op, infoHashHex: view.infoHashHex });
      download(blob, safeFileName(name, fallback));
    } catch (error) {
      this.torrents.fail('general', `${failure}: ${message(error)}`, view.infoHashHex);
    }
  }

  torrentFileBytes = (view: TorrentView) => torrentFileBytes(this.engine, view);
  pieceBytes = (view: TorrentView, index: number) => pieceBytes(this.engine, view, index);

  /** `Download <path>` checked or unchecked. */
  chooseFile(view: TorrentView, fileIndex: number, chosen: boolean): void {
    const skipped = view.files
      .filter((file) => (file.index === fileIndex ? !chosen : !file.chosen))
      .map((file) => file.index);
    this.engine.act({ op: 'choose-files', infoHashHex: view.infoHashHex, skipped });
  }

  setWebSeedBudget(view: TorrentView, bytes: number | null): void {
    this.engine.act({ op: 'limit-web-seeds', infoHashHex: view.infoHashHex, bytes });
  }

  /** What the engine last heard of each player, by torrent and file. */
  private readonly players = new Map<string, SentPosition>();

  /** Tells the engine where a player is (a change of state or a jump at once, else once a second), or that it
   * closed: the engine fetches the pieces from its playhead first. */
  playback(view: TorrentView, fileIndex: number, media: HTMLMediaElement | null): void {
    const key = `${view.infoHashHex}/${fileIndex}`;
    const { infoHashHex } = view;
    if (!media) {
      this.players.delete(key);
      this.engine.act({ op: 'playback', infoHashHex, fileIndex, position: null });
      return;
    }
    const position = positionOf(media);
    const now = performance.now();
    if (position.duration === 0 || !worthSending(this.players.get(key), position, now)) return;
    this.players.set(key, { position, at: now });
    this.engine.act({ op: 'playback', infoHashHex, fileIndex, position });
  }

  playStarting(view: TorrentView, fileIndex: number): void {
    this.engine.act({ op: 'play-start', infoHashHex: view.infoHashHex, fileIndex });
  }

  pause(view: TorrentView): void {
    this.engine.act({ op: 'pause', infoHashHex: view.infoHashHex });
  }

  resume(view: TorrentView): void {
    this.engine.act({ op: 'resume', infoHashHex: view.infoHashHex });
  }

  remove(view: TorrentView): void {
    this.engine.act({ op: 'remove', infoHashHex: view.infoHashHex });
  }
}

export const app = new AppState();
