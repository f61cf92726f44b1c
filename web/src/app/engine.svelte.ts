// Boot and engine election: one engine per browser profile. The tab that gets the engine lock starts the worker,
// the tracker clients and the connections (net/page/engine-bridge.ts) and answers the other tabs' calls; every other
// tab is a view of it (net/page/tab-link.ts). Either way, `call` runs a user's action on the engine, wherever it is.
import type { Call, Result } from '../lib/messages/actions';
import { channelTransferAllowed } from '../net/page/channel-transfer';
import { EngineBridge, type BridgeListener, type WorkerLike } from '../net/page/engine-bridge';
import { appWakeClock } from '../lib/platform/wake-clock';
import { LocalEngine } from '../net/page/local-engine';
import {
  broadcastTransport,
  EngineHost,
  newTabId,
  RemoteEngine,
  type Engine,
  type SharedView,
  type TabTransport,
} from '../net/page/tab-link';
import { StartingEngine } from '../net/page/starting-engine';
import { stallMsFromAddress } from '../net/page/stall-hook';
import { peerExchangeFromAddress } from '../lib/messages/peer-exchange-switch';
import { holdWorker } from '../net/page/worker-hold';
import { defaultTracker, loadPeerConfig, type PeerConfig } from './peer-config';
import type { TrackerStatus } from '../lib/links/trackers';
import { headerFromStatuses, nextCheckMs, retryAfterCheck } from './tracker-watch';
import type { Settings } from './settings.svelte';
import type { TorrentsState } from './torrents.svelte';
import { browserLocks, TransferLock } from './transfer-lock';
import { browserWakeLock, ScreenWake } from './screen-wake';

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class EngineLink {
  /** Another tab of this browser holds the engine and the connections; this one shows and steers it. */
  viewOfOtherTab = $state(false);
  /** The service worker serves this page's files as streams (/files/…): Save streams, Play is offered. */
  streams = $state(false);
  /** Whether the app's own tracker answers its health check (undefined until the first check). */
  trackerReachable = $state<boolean | undefined>(undefined);
  /** Actions given before the engine was ready and not yet answered (shown as `Starting SwarmDrop…`). */
  waiting = $state(0);

  private bridge: EngineBridge | undefined;
  /** Holds the user's actions until the engine is known, then passes them on. */
  private readonly starting = new StartingEngine();
  /** Where the user's actions go: this tab's engine, or the engine tab's over the tab channel. */
  private engine: Engine = this.starting;
  private remote: RemoteEngine | undefined;
  private host: EngineHost | undefined;
  private publishing = false;
  /** Held while this tab's engine transfers, so Chromium does not freeze the tab (app/transfer-lock.ts). */
  private readonly transferLock = new TransferLock(browserLocks());
  private readonly screenWake = new ScreenWake(browserWakeLock(), () => !document.hidden);
  /** Counts the engine's torrent lists (published, so view tabs sample speeds once per list). */
  private torrentsVersion = 0;

  constructor(
    private readonly torrents: TorrentsState,
    private readonly settings: Settings,
  ) {}

  /** Whether this tab's actions go to another tab's engine (its settings travel there too). */
  get remoteEngine(): boolean {
    return this.remote !== undefined;
  }

  /** Starts the worker, the tracker clients and the connections, or becomes a view of the engine tab. */
  async start(createWorker: () => WorkerLike): Promise<void> {
    // Asked at once, beside the engine lock, the worker's script and the service worker: none waits for another.
    const config = loadPeerConfig();
    void this.startStreams();
    this.watchTracker();
    addEventListener('visibilitychange', () => {
      if (!document.hidden) document.title = 'SwarmDrop';
      this.screenWake.apply();
    });
    // `magnet:` links on other pages open the app, through the same confirmation as a share link.
    try {
      navigator.registerProtocolHandler?.('magnet', `${location.origin}/#%s`);
    } catch {
      // not offered here (an insecure origin, another browser's rules): links still paste into the field
    }
    const leave = () => {
      this.bridge?.shutdown();
      this.transferLock.close();
      this.screenWake.close();
      this.host?.close();
      this.remote?.close();
    };
    addEventListener('pagehide', leave);
    addEventListener('beforeunload', leave);
    // Back from the back/forward cache after `leave`: the connections and trackers are gone, start afresh.
    addEventListener('pageshow', (event) => {
      if (event.persisted) location.reload();
    });
    await this.engineOrView(createWorker, config).catch(this.startFailed);
  }

  /** A start that threw: said in words, where it would otherwise leave the page at `Starting…` with nothing said. */
  private readonly startFailed = (error: unknown): void =>
    this.engineFailed(`The engine could not start: ${message(error)}`);

  /**
   * One engine per browser profile: two engines over the same IndexedDB would store and announce the same torrents
   * twice. The tab that gets the lock (Web Locks) runs it; every other tab is a view of it over a `BroadcastChannel`
   * and takes the lock, with the actions still waiting, when the engine tab closes or crashes.
   */
  private async engineOrView(createWorker: () => WorkerLike, config: Promise<PeerConfig>): Promise<void> {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (!locks || typeof BroadcastChannel === 'undefined')
      return this.startEngine(createWorker, undefined, config);
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
          this.torrents.ready = false;
          this.startEngine(createWorker, transport, loadPeerConfig()).catch(this.startFailed);
        } else granted();
        return new Promise<void>(() => {}); // held for the page's lifetime
      })
      .catch(() => {
        held = true; // no lock to be had (an opaque origin): run alone
        granted();
      });
    // A reloaded tab's lock is released a moment after the new page asks: wait that long before being a view.
    await Promise.race([grantedSoon, new Promise((resolve) => setTimeout(resolve, 500))]);
    if (held) return this.startEngine(createWorker, transport, config);
    viewing = true;
    this.viewOfOtherTab = true;
    this.remote = new RemoteEngine({
      transport,
      id: newTabId(),
      listener: { view: (view) => this.onSharedView(view) },
    });
    this.engine = this.remote;
    this.starting.settle(this.remote);
  }

  /** This tab runs the engine: the worker, the tracker clients, the connections, and the other tabs' calls. */
  private async startEngine(
    createWorker: () => WorkerLike,
    transport: TabTransport | undefined,
    config: Promise<PeerConfig>,
  ): Promise<void> {
    let worker: WorkerLike;
    try {
      worker = createWorker();
    } catch (error) {
      this.startFailed(error);
      return;
    }
    // The worker loads and restores its torrents while the config is asked; what it says meanwhile is kept.
    const release = holdWorker(worker);
    // A refused credential still says a relay exists: relay-only tabs then wait for one instead of going direct.
    const { iceServers, relay, refreshMs } = await config;
    this.settings.relayAvailable = relay;
    this.bridge = new EngineBridge({
      worker,
      createWorker,
      iceServers,
      defaultTrackers: [defaultTracker(location)],
      uploadLimit: this.settings.uploadLimitKiB * 1024,
      relayOnly: relay && this.settings.relayOnly,
      channelsInWorker: channelTransferAllowed(
        location.search,
        import.meta.env.VITE_CHANNELS as string | undefined,
      ),
      listener: this.bridgeListener(),
      // The page's short waits for the channels it holds (the upload-queue report's 10 ms looks, the writers' waits
      // for the upload limit) run on a worker's timers: a hidden page's own run once a second at best.
      channelClock: appWakeClock(),
      stallMs: stallMsFromAddress(location.search, navigator.webdriver),
      peerExchange: peerExchangeFromAddress(location.search, navigator.webdriver),
    });
    release();
    const local = new LocalEngine(this.bridge, {
      'set-upload-limit': ({ kib }) => this.applyUploadLimit(kib),
      'set-relay-only': ({ on }) => this.applyRelayOnly(on),
    });
    this.engine = local;
    this.starting.settle(local);
    // Actions given while this tab was a view and no engine tab answered them run here now.
    this.remote?.handOver((call) => local.call(call));
    this.remote = undefined;
    if (transport)
      this.host = new EngineHost({ transport, id: newTabId(), perform: (call) => local.call(call) });
    if (relay) this.refreshPeerConfig(refreshMs);
  }

  /** The engine could not start: every call fails with `fatal`, those a view was holding included. */
  private engineFailed(fatal: string): void {
    this.torrents.fatal = fatal;
    const failed = () => Promise.reject(new Error(fatal));
    this.remote?.handOver(failed);
    this.remote = undefined;
    this.engine = { call: failed };
    this.starting.settle(this.engine);
  }

  /** What the page does with the engine's news: its lists and states shown, and passed on to the other tabs. */
  private bridgeListener(): BridgeListener {
    const torrents = this.torrents;
    return {
      // Where the latest connection's data channel is read and written (the e2e tests check it).
      channelPath: (path) => (document.documentElement.dataset.channels = path),
      ready: () => {
        torrents.ready = true;
        this.publish();
      },
      torrents: (list) => {
        // The engine tab tells of finished downloads (once, whatever the number of tabs).
        torrents.update(list, !this.remote && this.settings.notifyDone);
        this.transferLock.update(list);
        this.screenWake.update(list);
        this.torrentsVersion++;
        this.publish();
      },
      trackers: (infoHashHex, statuses) => {
        torrents.setTrackers(infoHashHex, statuses);
        this.headerFrom(statuses);
        this.publish();
      },
      fatal: (text) => {
        torrents.fatal = `The engine stopped: ${text}`;
        this.publish();
      },
      restarted: (text) => {
        torrents.ready = false;
        torrents.fail(
          'general',
          `The engine stopped (${text}) and was restarted; requests in progress failed, torrents are reloaded from storage.`,
        );
      },
    };
  }

  /** The other tabs see what this one shows (one post per turn of the event loop, however many changes). */
  private publish(): void {
    if (!this.host || this.publishing) return;
    this.publishing = true;
    queueMicrotask(() => {
      this.publishing = false;
      const { torrents, settings } = this;
      this.host?.publish({
        ready: torrents.ready,
        version: this.torrentsVersion,
        torrents: torrents.torrents,
        trackers: torrents.trackers,
        uploadLimitKiB: settings.uploadLimitKiB,
        relayOnly: settings.relayOnly,
        relayAvailable: settings.relayAvailable,
        ...(torrents.fatal ? { fatal: torrents.fatal } : {}),
      });
    });
  }

  /** A view tab: what the engine tab shows. */
  private onSharedView(view: SharedView): void {
    const { torrents, settings } = this;
    torrents.ready = view.ready;
    if (view.version !== this.torrentsVersion) {
      this.torrentsVersion = view.version;
      torrents.update(view.torrents, !this.remote);
    }
    torrents.trackers = view.trackers;
    settings.uploadLimitKiB = view.uploadLimitKiB;
    settings.relayOnly = view.relayOnly;
    settings.relayAvailable = view.relayAvailable;
    torrents.fatal = view.fatal;
  }

  /** Runs an action on the engine, wherever it is. */
  call<C extends Call>(call: C): Promise<Result<C>> {
    const answer = this.engine.call(call);
    if (this.torrents.ready) return answer;
    this.waiting++;
    const answered = () => this.waiting--;
    answer.then(answered, answered);
    return answer;
  }

  /** An action whose answer only matters when it fails. */
  act(call: Call): void {
    this.call(call).catch((error: unknown) => {
      const about = 'infoHashHex' in call ? call.infoHashHex : undefined;
      this.torrents.fail('general', `That did not work: ${message(error)}`, about);
    });
  }

  /** Remembers relay-only and applies it to this tab's engine, if it runs one. */
  applyRelayOnly(on: boolean): void {
    this.settings.rememberRelayOnly(on);
    this.bridge?.setRelayOnly(this.settings.relayAvailable && on);
    this.publish();
  }

  /** Remembers the upload limit and applies it to this tab's engine, if it runs one. */
  applyUploadLimit(kib: number): void {
    this.settings.rememberUploadLimit(kib);
    this.bridge?.setUploadLimit(kib * 1024);
    this.publish();
  }

  /**
   * Registers the service worker that streams files from the pieces (it tells the engine worker what its streams
   * wait for itself, lib/messages/stream-wishes.ts). Without one (an old browser, a private window), saves build a
   * Blob.
   */
  private async startStreams(): Promise<void> {
    const container = navigator.serviceWorker;
    if (!container) return;
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

  /** Checks `/health` now and then (tracker-watch.ts), for the tracker status shown at all times. */
  private watchTracker(): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const check = async () => {
      clearTimeout(timer);
      const before = this.trackerReachable;
      try {
        this.trackerReachable = (await fetch('/health', { cache: 'no-store' })).ok;
      } catch {
        this.trackerReachable = false;
      }
      if (retryAfterCheck(before, this.trackerReachable)) this.bridge?.retryTrackers();
      if (!stopped) timer = setTimeout(check, nextCheckMs(this.trackerReachable));
    };
    this.checkTracker = () => void check();
    void check();
    addEventListener(
      'pagehide',
      () => {
        stopped = true;
        clearTimeout(timer);
      },
      { once: true },
    );
  }

  /** A check of the tracker now (set by watchTracker). */
  private checkTracker: () => void = () => {};

  /** A card's tracker statuses, read for the header (tracker-watch.ts). */
  private headerFrom(statuses: TrackerStatus[]): void {
    const said = headerFromStatuses(statuses, defaultTracker(location), this.trackerReachable);
    if (said === 'reachable') this.trackerReachable = true;
    else if (said === 'check') this.checkTracker();
  }

  /**
   * Keeps the TURN credentials fresh while the tracker offers a relay: a new one before half the current one's life
   * has passed (new connections always get one with time left; those open outlive it), sooner after a refusal or
   * no answer, which keep what is in use.
   */
  private refreshPeerConfig(firstMs: number): void {
    let timer: ReturnType<typeof setTimeout>;
    const refresh = async () => {
      const config = await loadPeerConfig();
      if (config.fresh) {
        this.settings.relayAvailable = config.relay;
        this.bridge?.setIceServers(config.iceServers);
        this.bridge?.setRelayOnly(config.relay && this.settings.relayOnly);
      }
      timer = setTimeout(() => void refresh(), config.refreshMs);
    };
    timer = setTimeout(() => void refresh(), firstMs);
    addEventListener('pagehide', () => clearTimeout(timer), { once: true });
  }
}
