// The app's state for the components (Svelte 5 runes) and the user's intents, forwarded to the engine: this tab's
// bridge to its worker, or the engine tab's over the tab channel (see net/tab-link.ts).
// Components read `app.*` and call these methods; they hold no protocol logic.
import { EngineBridge, type WorkerLike } from '../net/engine-bridge';
import { LocalEngine } from '../net/local-engine';
import {
  broadcastTransport,
  EngineHost,
  newTabId,
  RemoteEngine,
  type Call,
  type Engine,
  type Result,
  type SharedView,
  type TabTransport,
} from '../net/tab-link';
import type { TrackerStatus } from '../net/tracker-client';
import { MagnetError, parseMagnet } from '../../../shared/magnet';
import { baseName } from './format';
import type { TorrentView } from './protocol';
import { planFolderPaths, type FolderLike } from './folder-names';
import { safeFileName } from './safe-name';
import { fileUrl } from '../sw/file-response';
import {
  pickedFromHandles,
  ShareInputError,
  shareRequest,
  type HandleLike,
  type PickedFile,
} from './share-input';
import { torrentTrackers } from './trackers';

export interface SpeedSample {
  t: number;
  down: number;
  up: number;
}

/** A share link the page was opened with, waiting for the user's `Download` (nothing is contacted before). */
export interface PendingLink {
  link: string;
  /** The link's `dn`, or its info hash. */
  name: string;
  infoHashHex: string;
  /** The link's `xl`, when it has one. */
  length?: number;
  /** The trackers that `Download` will announce to (each learns the user's address). */
  trackers: string[];
}

export interface FieldErrors {
  share?: string;
  magnet?: string;
  torrentFile?: string;
  general?: string;
}

/** Samples kept for the speed chart (about two minutes at two posts a second). */
const HISTORY = 240;
const UPLOAD_LIMIT_KEY = 'swarmdrop.uploadLimitKiB';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The tracker of the app's own origin: ws(s)://<host>/. */
export function defaultTracker(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/`;
}

/** What the tracker's `/config.json` says: ICE servers, and whether one of them is a TURN relay. */
interface PeerConfig {
  iceServers: RTCIceServer[];
  relay: boolean;
}

async function loadPeerConfig(): Promise<PeerConfig> {
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3000);
    const response = await fetch('/config.json', { signal: controller.signal, cache: 'no-store' });
    clearTimeout(timer);
    if (!response.ok) return { iceServers: [], relay: false };
    const config = (await response.json()) as { iceServers?: unknown; relay?: unknown };
    const iceServers = Array.isArray(config.iceServers) ? (config.iceServers as RTCIceServer[]) : [];
    return { iceServers, relay: config.relay === true };
  } catch {
    return { iceServers: [], relay: false };
  }
}

/** TURN credentials are short-lived: the config is fetched again this often while the tracker offers a relay. */
const PEER_CONFIG_REFRESH_MS = 30 * 60_000;
const RELAY_ONLY_KEY = 'swarmdrop.relayOnly';

function readRelayOnly(): boolean {
  try {
    return localStorage.getItem(RELAY_ONLY_KEY) === '1';
  } catch {
    return false;
  }
}

function readUploadLimit(): number {
  try {
    const value = Number(localStorage.getItem(UPLOAD_LIMIT_KEY) ?? 0);
    return Number.isFinite(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** The File System Access pickers, where the browser has them (Chromium); undefined elsewhere. */
function filePickers(): FilePickers {
  return globalThis as FilePickers;
}
interface FilePickers {
  showOpenFilePicker?: (options: object) => Promise<FileSystemFileHandle[]>;
  showDirectoryPicker?: (options: object) => Promise<FileSystemDirectoryHandle>;
}

class AppState {
  torrents = $state.raw<TorrentView[]>([]);
  trackers = $state.raw<Record<string, TrackerStatus[]>>({});
  history = $state.raw<Record<string, SpeedSample[]>>({});
  ready = $state(false);
  fatal = $state<string | undefined>(undefined);
  errors = $state<FieldErrors>({});
  /** Shares being hashed that the worker has not listed yet. */
  pendingShares = $state(0);
  /** Another tab of this browser holds the engine and the connections; this one shows and steers it. */
  viewOfOtherTab = $state(false);
  /** Upload limit in KiB/s; 0 = none. */
  uploadLimitKiB = $state(readUploadLimit());
  /** The tracker hands out TURN relay credentials. */
  relayAvailable = $state(false);
  /** Every connection through the relay only (remembered; applies when a relay is offered). */
  relayOnly = $state(readRelayOnly());
  /** A share link to confirm before anything is announced. */
  pendingLink = $state.raw<PendingLink | null>(null);
  /** The service worker serves this page's files as streams (/files/…): Save streams, Play is offered. */
  streams = $state(false);
  private persistenceAsked = false;

  private bridge: EngineBridge | undefined;
  /** Where the user's actions go: this tab's engine, or the engine tab's over the tab channel. */
  private engine: Engine | undefined;
  private remote: RemoteEngine | undefined;
  private host: EngineHost | undefined;
  private publishing = false;
  /** Counts the engine's torrent lists (published, so view tabs sample speeds once per list). */
  private torrentsVersion = 0;
  private starting: Promise<void> | undefined;

  /** Starts the worker, the tracker clients and the connections (once). */
  start(createWorker: () => WorkerLike): Promise<void> {
    this.starting ??= this.boot(createWorker);
    return this.starting;
  }

  private async boot(createWorker: () => WorkerLike): Promise<void> {
    void this.startStreams();
    this.watchTracker();
    addEventListener('visibilitychange', () => {
      if (!document.hidden) document.title = 'SwarmDrop';
    });
    // `magnet:` links on other pages open the app, through the same confirmation as a share link.
    try {
      navigator.registerProtocolHandler?.('magnet', `${location.origin}/#%s`);
    } catch {
      // not offered here (an insecure origin, another browser's rules): links still paste into the field
    }
    const leave = () => {
      this.bridge?.shutdown();
      this.host?.close();
      this.remote?.close();
    };
    addEventListener('pagehide', leave);
    addEventListener('beforeunload', leave);
    // Back from the back/forward cache after `leave`: the connections and trackers are gone, start afresh.
    addEventListener('pageshow', (event) => {
      if (event.persisted) location.reload();
    });
    await this.engineOrView(createWorker);
    addEventListener('hashchange', () => void this.openFromHash());
    await this.openFromHash();
  }

  /**
   * One engine per browser profile: two engines over the same IndexedDB would store and announce the same torrents
   * twice. The tab that gets the lock (Web Locks) runs it; every other tab is a view of it over a `BroadcastChannel`
   * and takes the lock, with the actions still waiting, when the engine tab closes or crashes.
   */
  private async engineOrView(createWorker: () => WorkerLike): Promise<void> {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (!locks || typeof BroadcastChannel === 'undefined') return this.startEngine(createWorker, undefined);
    const transport = broadcastTransport();
    let held = false;
    let viewing = false;
    let granted!: () => void;
    const grantedSoon = new Promise<void>((resolve) => (granted = resolve));
    locks
      .request('swarmdrop-engine', () => {
        held = true;
        if (viewing) {
          // The engine tab closed or crashed: this one takes over, with its actions still waiting.
          this.viewOfOtherTab = false;
          this.ready = false;
          void this.startEngine(createWorker, transport);
        } else granted();
        return new Promise<void>(() => {}); // held for the page's lifetime
      })
      .catch(() => {
        held = true; // no lock to be had (an opaque origin): run alone, as before locks
        granted();
      });
    // A reloaded tab's lock is released a moment after the new page asks: wait that long before being a view.
    await Promise.race([grantedSoon, new Promise((resolve) => setTimeout(resolve, 500))]);
    if (held) return this.startEngine(createWorker, transport);
    viewing = true;
    this.viewOfOtherTab = true;
    this.remote = new RemoteEngine({
      transport,
      id: newTabId(),
      listener: { view: (view) => this.onSharedView(view) },
    });
    this.engine = this.remote;
  }

  /** This tab runs the engine: the worker, the tracker clients, the connections, and the other tabs' calls. */
  private async startEngine(
    createWorker: () => WorkerLike,
    transport: TabTransport | undefined,
  ): Promise<void> {
    const { iceServers, relay } = await loadPeerConfig();
    this.relayAvailable = relay;
    let worker: WorkerLike;
    try {
      worker = createWorker();
    } catch (error) {
      const fatal = `The engine could not start: ${message(error)}`;
      this.fatal = fatal;
      const failed = () => Promise.reject(new Error(fatal));
      this.remote?.handOver(failed);
      this.remote = undefined;
      this.engine = { call: failed };
      return;
    }
    this.bridge = new EngineBridge({
      worker,
      createWorker,
      iceServers,
      defaultTrackers: [defaultTracker(location)],
      uploadLimit: this.uploadLimitKiB * 1024,
      relayOnly: relay && this.relayOnly,
      listener: {
        ready: () => {
          this.ready = true;
          this.publish();
        },
        torrents: (torrents) => {
          this.onTorrents(torrents);
          this.torrentsVersion++;
          this.publish();
        },
        trackers: (infoHashHex, statuses) => {
          this.trackers = { ...this.trackers, [infoHashHex]: statuses };
          this.publish();
        },
        fatal: (text) => {
          this.fatal = `The engine stopped: ${text}`;
          this.publish();
        },
        restarted: (text) => {
          this.ready = false;
          this.errors = {
            ...this.errors,
            general: `The engine stopped (${text}) and was restarted; requests in progress failed, torrents are reloaded from storage.`,
          };
        },
      },
    });
    const local = new LocalEngine(this.bridge, {
      setUploadLimit: (kib) => this.applyUploadLimit(kib),
      setRelayOnly: (on) => this.applyRelayOnly(on),
    });
    this.engine = local;
    // Actions given while this tab was a view and no engine tab answered them run here now.
    this.remote?.handOver((call) => local.call(call));
    this.remote = undefined;
    if (transport)
      this.host = new EngineHost({ transport, id: newTabId(), perform: (call) => local.call(call) });
    if (relay) this.refreshPeerConfig();
  }

  /** The other tabs see what this one shows (one post per turn of the event loop, however many changes). */
  private publish(): void {
    if (!this.host || this.publishing) return;
    this.publishing = true;
    queueMicrotask(() => {
      this.publishing = false;
      this.host?.publish({
        ready: this.ready,
        version: this.torrentsVersion,
        torrents: this.torrents,
        trackers: this.trackers,
        uploadLimitKiB: this.uploadLimitKiB,
        relayOnly: this.relayOnly,
        relayAvailable: this.relayAvailable,
        ...(this.fatal ? { fatal: this.fatal } : {}),
      });
    });
  }

  /** A view tab: what the engine tab shows. */
  private onSharedView(view: SharedView): void {
    this.ready = view.ready;
    if (view.version !== this.torrentsVersion) {
      this.torrentsVersion = view.version;
      this.onTorrents(view.torrents);
    }
    this.trackers = view.trackers;
    this.uploadLimitKiB = view.uploadLimitKiB;
    this.relayOnly = view.relayOnly;
    this.relayAvailable = view.relayAvailable;
    this.fatal = view.fatal;
  }

  /** Runs an action on the engine, wherever it is. */
  private call<C extends Call>(call: C): Promise<Result<C>> {
    if (!this.engine) return Promise.reject(new Error('SwarmDrop is still starting; try again in a moment'));
    return this.engine.call(call);
  }

  /** An action whose answer only matters when it fails. */
  private act(call: Call): void {
    this.call(call).catch((error: unknown) => {
      this.errors = { ...this.errors, general: `That did not work: ${message(error)}` };
    });
  }

  private onTorrents(torrents: TorrentView[]): void {
    this.announceFinished(torrents);
    this.torrents = torrents;
    const now = Date.now();
    const history: Record<string, SpeedSample[]> = {};
    for (const view of torrents) {
      const previous = this.history[view.infoHashHex] ?? [];
      const samples =
        previous.length >= HISTORY ? previous.slice(previous.length - HISTORY + 1) : previous.slice();
      samples.push({ t: now, down: view.downloadRate, up: view.uploadRate });
      history[view.infoHashHex] = samples;
    }
    this.history = history;
  }

  /**
   * `/#<magnet link or info hash>`: shows what the link would download and waits for `Download`. Any page can
   * link here, so nothing is announced and no peer is contacted before the user confirms.
   */
  private async openFromHash(): Promise<void> {
    const raw = location.hash.slice(1);
    if (!raw) return;
    let link = raw;
    try {
      link = decodeURIComponent(raw);
    } catch {
      // keep it as it is
    }
    history.replaceState(null, '', location.pathname + location.search);
    try {
      const parsed = parseMagnet(link);
      this.pendingLink = {
        link,
        name: parsed.name ?? parsed.infoHashHex,
        infoHashHex: parsed.infoHashHex,
        length: parsed.length,
        trackers: torrentTrackers(parsed.trackers, [defaultTracker(location)]),
      };
    } catch (error) {
      const reason = error instanceof MagnetError ? error.message : message(error);
      this.errors = { ...this.errors, magnet: `Invalid magnet link or info hash: ${reason}` };
    }
  }

  /** `Download` in the confirmation: adds the link's torrent. */
  async confirmLink(): Promise<void> {
    const pending = this.pendingLink;
    this.pendingLink = null;
    if (pending) await this.addMagnet(pending.link);
  }

  cancelLink(): void {
    this.pendingLink = null;
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

  /**
   * Registers the service worker that streams files from the pieces, and relays its wishes (pieces a player or a
   * save waits for) to the engine. Without one (an old browser, a private window), saves build a Blob as before.
   */
  private async startStreams(): Promise<void> {
    const container = navigator.serviceWorker;
    if (!container) return;
    container.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type?: string; infoHashHex?: unknown; pieces?: unknown; seek?: unknown };
      if (data?.type !== 'want-pieces' || typeof data.infoHashHex !== 'string' || !Array.isArray(data.pieces))
        return;
      const pieces = data.pieces.filter((n): n is number => Number.isInteger(n)).slice(0, 64);
      this.bridge?.wantPieces(data.infoHashHex, pieces, data.seek === true);
    });
    const controlled = () => (this.streams = container.controller !== null);
    container.addEventListener('controllerchange', controlled);
    try {
      await container.register('/sw.js');
      await container.ready;
    } catch {
      return; // no streams: the Blob path stays
    }
    controlled();
  }

  /** Whether the app's own tracker answers its health check (undefined until the first check). */
  trackerReachable = $state<boolean | undefined>(undefined);

  /** Checks `/health` now and every 30 s, for the tracker status shown at all times. */
  private watchTracker(): void {
    const check = async () => {
      try {
        const response = await fetch('/health', { cache: 'no-store' });
        this.trackerReachable = response.ok;
      } catch {
        this.trackerReachable = false;
      }
    };
    void check();
    const timer = setInterval(check, 30_000);
    addEventListener('pagehide', () => clearInterval(timer), { once: true });
  }

  /** A download that finishes while the tab is in the background: the title says so (and a notification, if allowed). */
  private announceFinished(torrents: TorrentView[]): void {
    const before = new Map(this.torrents.map((view) => [view.infoHashHex, view.state]));
    for (const view of torrents) {
      if (before.get(view.infoHashHex) !== 'downloading' || view.state !== 'seeding') continue;
      if (!document.hidden) continue;
      document.title = `Done: ${view.name} — SwarmDrop`;
      // One notification per profile: the engine tab's (a view tab's title still says it).
      if (!this.remote && typeof Notification !== 'undefined' && Notification.permission === 'granted')
        new Notification('Download finished', { body: view.name });
    }
  }

  /** Keeps the TURN credentials fresh while the tracker offers a relay. */
  private refreshPeerConfig(): void {
    const timer = setInterval(async () => {
      const { iceServers, relay } = await loadPeerConfig();
      if (iceServers.length === 0 && !relay) return; // unreachable now: keep what we have
      this.relayAvailable = relay;
      this.bridge?.setIceServers(iceServers);
      this.bridge?.setRelayOnly(relay && this.relayOnly);
    }, PEER_CONFIG_REFRESH_MS);
    addEventListener('pagehide', () => clearInterval(timer), { once: true });
  }

  setRelayOnly(on: boolean): void {
    this.applyRelayOnly(on);
    if (this.remote) this.act({ op: 'set-relay-only', on });
  }

  /** Remembers relay-only and applies it to this tab's engine, if it runs one. */
  private applyRelayOnly(on: boolean): void {
    this.relayOnly = on;
    try {
      localStorage.setItem(RELAY_ONLY_KEY, on ? '1' : '0');
    } catch {
      // private mode: the choice lasts for this page only
    }
    this.bridge?.setRelayOnly(this.relayAvailable && on);
    this.publish();
  }

  setUploadLimit(kib: number): void {
    const value = Number.isFinite(kib) && kib > 0 ? kib : 0;
    this.applyUploadLimit(value);
    if (this.remote) this.act({ op: 'set-upload-limit', kib: value });
  }

  /** Remembers the upload limit and applies it to this tab's engine, if it runs one. */
  private applyUploadLimit(kib: number): void {
    this.uploadLimitKiB = kib;
    try {
      localStorage.setItem(UPLOAD_LIMIT_KEY, String(kib));
    } catch {
      // private mode: the limit lasts for this page only
    }
    this.bridge?.setUploadLimit(kib * 1024);
    this.publish();
  }

  async share(picked: PickedFile[]): Promise<void> {
    this.errors = { ...this.errors, share: undefined };
    let request;
    try {
      request = shareRequest(picked);
    } catch (error) {
      if (error instanceof ShareInputError) this.errors = { ...this.errors, share: error.message };
      else throw error;
      return;
    }
    this.askPersistence();
    this.pendingShares++;
    try {
      await this.call({ op: 'share', files: request.files, name: request.name });
      this.errors = {}; // an action that worked: earlier messages no longer apply
    } catch (error) {
      this.errors = { ...this.errors, share: `Could not share “${request.name}”: ${message(error)}` };
    } finally {
      this.pendingShares--;
    }
  }

  /** Whether this browser hands out persistent file handles (File System Access): shares read files in place. */
  get canShareInPlace(): boolean {
    return typeof filePickers().showOpenFilePicker === 'function';
  }

  /** Whether this browser hands out a persistent handle of a folder (File System Access). */
  get canShareFolderInPlace(): boolean {
    return this.canSaveToFolder;
  }

  /**
   * `Share files without copying` / `Share a folder without copying`: files (or a folder, walked) picked with
   * persistent handles, read in place by the engine.
   */
  async shareInPlace(what: 'files' | 'folder'): Promise<void> {
    const pickers = filePickers();
    let handles: HandleLike[];
    try {
      if (what === 'files' && pickers.showOpenFilePicker)
        handles = await pickers.showOpenFilePicker({ multiple: true, id: 'swarmdrop-share' });
      else if (what === 'folder' && pickers.showDirectoryPicker)
        handles = [
          (await pickers.showDirectoryPicker({ mode: 'read', id: 'swarmdrop-share' })) as HandleLike,
        ];
      else return;
    } catch {
      return; // the user cancelled
    }
    try {
      await this.share(await pickedFromHandles(handles));
    } catch (error) {
      this.errors = { ...this.errors, share: `Could not read the chosen files: ${message(error)}` };
    }
  }

  /**
   * `Resume sharing`: asks the browser again for permission to read a torrent's shared files (this click is the
   * gesture it wants), then the engine checks them and shares them again.
   */
  async resumeSharing(view: TorrentView): Promise<void> {
    try {
      const handles = await this.call({ op: 'get-shared-handles', infoHashHex: view.infoHashHex });
      for (const handle of handles) {
        const withPermission = handle as FileSystemFileHandle & {
          requestPermission?: (options: { mode: 'read' }) => Promise<PermissionState>;
        };
        const state = (await withPermission.requestPermission?.({ mode: 'read' })) ?? 'granted';
        if (state !== 'granted') throw new Error(`the browser did not allow reading ${handle.name}`);
      }
      await this.call({ op: 'resume-sharing', infoHashHex: view.infoHashHex });
    } catch (error) {
      this.errors = { ...this.errors, general: `Could not resume sharing “${view.name}”: ${message(error)}` };
    }
  }

  async addMagnet(input: string): Promise<boolean> {
    const link = input.trim();
    if (!link) {
      this.errors = { ...this.errors, magnet: 'Enter a magnet link or a 40-character info hash' };
      return false;
    }
    this.errors = { ...this.errors, magnet: undefined };
    this.askPersistence();
    try {
      await this.call({ op: 'add-magnet', link });
      this.errors = {};
      return true;
    } catch (error) {
      const reason = message(error);
      // The worker's parse errors name the magnet link or the info hash; anything else (storage) is no typo.
      const room = /^Not enough storage/.test(reason);
      const invalid = !room && (/magnet|info hash/i.test(reason) || !/^(storage|quota)/i.test(reason));
      this.errors = {
        ...this.errors,
        magnet: room
          ? reason
          : invalid
            ? `Invalid magnet link or info hash: ${reason}`
            : `Could not add this torrent: ${reason}`,
      };
      return false;
    }
  }

  async openTorrentFile(file: File): Promise<void> {
    this.errors = { ...this.errors, torrentFile: undefined };
    this.askPersistence();
    try {
      const bytes = await file.arrayBuffer();
      await this.call({ op: 'add-torrent-file', bytes });
      this.errors = {};
    } catch (error) {
      this.errors = { ...this.errors, torrentFile: `Could not open “${file.name}”: ${message(error)}` };
    }
  }

  async saveFile(view: TorrentView, fileIndex: number): Promise<void> {
    const file = view.files.find((f) => f.index === fileIndex);
    if (!file) return;
    const name = safeFileName(baseName(file.path));
    if (this.streams) {
      // Streamed by the service worker from the stored pieces: the browser's own download, at flat memory.
      followAttachment(fileUrl(view.infoHashHex, fileIndex, file.path, true));
      return;
    }
    try {
      const blob = await this.call({ op: 'get-file', infoHashHex: view.infoHashHex, fileIndex });
      download(blob, name);
    } catch (error) {
      this.errors = { ...this.errors, general: `Could not save “${file.path}”: ${message(error)}` };
    }
  }

  /** Whether this browser can write straight into a folder (File System Access API). */
  get canSaveToFolder(): boolean {
    return typeof filePickers().showDirectoryPicker === 'function';
  }

  /** `Save all to a folder`: every finished file of the torrent, written into a folder the user picks. */
  async saveAllToFolder(view: TorrentView): Promise<void> {
    const picker = filePickers().showDirectoryPicker;
    if (!picker) return;
    let root: FileSystemDirectoryHandle;
    try {
      root = await picker({ mode: 'readwrite', id: 'swarmdrop' });
    } catch {
      return; // the user cancelled
    }
    try {
      const single = view.files.length === 1 && view.files[0].path === view.name;
      const finished = view.files.filter((file) => file.complete);
      // Names made safe first, then clashes resolved, against each other and against what the folder holds: a file
      // already there is never overwritten (the new one is saved as `name (2).ext`).
      const paths = finished.map((file) => (single ? [file.path] : [view.name, ...file.path.split('/')]));
      const plans = await planFolderPaths(root as unknown as FolderLike, paths);
      for (const [i, file] of finished.entries()) {
        const { folder, name } = plans[i];
        const handle = (await folder.getFileHandle(name, { create: true })) as FileSystemFileHandle;
        const writable = await handle.createWritable();
        // Piece by piece from the service worker's stream when there is one; otherwise from a Blob of the pieces.
        const body = this.streams
          ? (await fetch(fileUrl(view.infoHashHex, file.index, file.path))).body
          : (
              await this.call({ op: 'get-file', infoHashHex: view.infoHashHex, fileIndex: file.index })
            ).stream();
        if (!body) throw new Error('the file stream is empty');
        await body.pipeTo(writable);
      }
    } catch (error) {
      this.errors = {
        ...this.errors,
        general: `Could not save “${view.name}” to the folder: ${message(error)}`,
      };
    }
  }

  async saveTorrentFile(view: TorrentView): Promise<void> {
    try {
      const { blob, name } = await this.call({ op: 'get-torrent-file', infoHashHex: view.infoHashHex });
      download(blob, safeFileName(name, 'download.torrent'));
    } catch (error) {
      this.errors = { ...this.errors, general: `Could not build the .torrent file: ${message(error)}` };
    }
  }

  /** `Download <path>` checked or unchecked. */
  chooseFile(view: TorrentView, fileIndex: number, chosen: boolean): void {
    const skipped = view.files
      .filter((file) => (file.index === fileIndex ? !chosen : !file.chosen))
      .map((file) => file.index);
    this.act({ op: 'choose-files', infoHashHex: view.infoHashHex, skipped });
  }

  pause(view: TorrentView): void {
    this.act({ op: 'pause', infoHashHex: view.infoHashHex });
  }

  resume(view: TorrentView): void {
    this.act({ op: 'resume', infoHashHex: view.infoHashHex });
  }

  remove(view: TorrentView): void {
    this.act({ op: 'remove', infoHashHex: view.infoHashHex });
  }

  dismiss(field: keyof FieldErrors): void {
    this.errors = { ...this.errors, [field]: undefined };
  }
}

/** An ordinary browser download of a Blob (works in every browser and in headless tests). */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser reads the blob after the click; give it time before freeing the URL.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * An ordinary browser download of a response the service worker streams with `Content-Disposition: attachment`:
 * loaded in a hidden frame, since Chromium does not hand an `<a download>` request to the service worker, and a
 * navigation of the page itself would fire `beforeunload` (which stops the engine) before it turns into a download.
 */
function followAttachment(url: string): void {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'download';
  frame.src = url;
  document.body.append(frame);
  // The download has started long before; the frame has nothing else to do.
  setTimeout(() => frame.remove(), 60_000);
}

export const app = new AppState();
