// The main thread's side of the app: talks to the engine worker (requests and replies, torrent views), runs the
// tracker clients for the torrents the worker reports active, and connects WebRTC peers to the worker.
import type { ActionResult, Call, WorkerAction } from '../../lib/messages/actions';
import type { AnnounceStats, MainToWorker, TorrentView, WorkerToMain } from '../../lib/messages/protocol';
import { announceTrackers, type TrackerStatus } from '../../lib/links/trackers';
import { ViewMirror } from '../../lib/messages/view-delta';
import { ChannelTransfer, type ChannelPath } from './channel-transfer';
import type { ConnectionBudget } from './connection-budget';
import { RateLimiter } from '../channel-writer';
import { PageSeedFetches } from './page-seed-fetch';
import { PeerManager, type RtcPeer } from './peers';
import { SwarmMeetings } from './swarm-meetings';
import { trackerOffers, trackerWant } from './tracker-offer-cap';
import { simplePeerConnections, type CreateInstance } from './simple-peer-connection';
import { reachProblem, swarmOthers } from './reachability';
import type { ReportClock } from '../../../../shared/host/upload-queue-report';
import { TrackerClient, type AnnounceNumbers, type SocketLike } from './tracker-client';

/** The parts of a Worker the bridge uses. */
export interface WorkerLike {
  postMessage(message: MainToWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerToMain>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror?: ((event: MessageEvent) => void) | null;
  terminate?(): void;
}

export interface BridgeListener {
  ready?(restored: number): void;
  torrents?(torrents: TorrentView[]): void;
  trackers?(infoHashHex: string, statuses: TrackerStatus[]): void;
  /** The worker itself failed (it did not load, or threw at the top level) and is not restarted. */
  fatal?(message: string): void;
  /** The worker failed after it had started; pending requests were rejected and a new worker reloads the torrents
   * from storage. */
  restarted?(message: string): void;
  /** A connection opened, its data channel read and written on this path (in the worker, or on the page). */
  channelPath?(path: ChannelPath): void;
}

export interface BridgeOptions {
  worker: WorkerLike;
  iceServers: RTCIceServer[];
  /** Trackers for new shares and for magnet links without any. */
  defaultTrackers: string[];
  listener: BridgeListener;
  /** Starts a replacement when the worker fails after it was ready (no restart without it). */
  createWorker?: () => WorkerLike;
  createSocket?: (url: string) => SocketLike;
  createInstance?: CreateInstance;
  /** Upload limit in bytes per second (0 = none). */
  uploadLimit?: number;
  /** Every new connection through a TURN relay only (the ICE servers must include one). */
  relayOnly?: boolean;
  /** Data channels may move to the worker where it can hold them (default true; see channel-transfer.ts). */
  channelsInWorker?: boolean;
  /** The clock of the page's short waits for the channels it holds (a wake clock in the app: a hidden page's own
   * timers run once a second at best). */
  channelClock?: ReportClock;
  /** The page's RTCPeerConnections at once, over every torrent (default connection-budget.ts's). */
  connectionBudget?: ConnectionBudget;
  /** A matched connection not open after this long counts as failed (default peers.ts's; a test's: stall-hook.ts). */
  stallMs?: number;
  /** The engine speaks sd_pex (default true; a bench's page may turn it off, peer-exchange-switch.ts): its torrents
   * make first contact with a couple of offers (tracker-offer-cap.ts). */
  peerExchange?: boolean;
}

export class RequestError extends Error {
  override name = 'RequestError';
}

/** The engine worker failed while a request was in flight. */
export class WorkerFailedError extends Error {
  override name = 'WorkerFailedError';
}

/** The worker's messages for the tracker clients; the bridge handles every other one itself. */
type TrackerMessage = Extract<
  WorkerToMain,
  { type: 'torrent-active' | 'torrent-inactive' | 'announce' | 'want-peers' }
>;
type BridgeMessage = Exclude<WorkerToMain, TrackerMessage>;
type Handlers<M extends WorkerToMain> = { [T in M['type']]: (message: Extract<M, { type: T }>) => void };
type TrackerHandlers = {
  [T in TrackerMessage['type']]: (
    message: Extract<TrackerMessage, { type: T }>,
    tracker: TrackerClient<RtcPeer>,
  ) => void;
};

const TRACKER_MESSAGES: ReadonlySet<WorkerToMain['type']> = new Set([
  'torrent-active',
  'torrent-inactive',
  'announce',
  'want-peers',
]);

function isTrackerMessage(message: WorkerToMain): message is TrackerMessage {
  return TRACKER_MESSAGES.has(message.type);
}

/** At most this many restarts per page (a worker that keeps failing is reported, not restarted forever). */
const MAX_RESTARTS = 3;

export class EngineBridge {
  readonly limiter: RateLimiter;
  readonly peers: PeerManager;
  /** Connections made through the swarm (peer exchange's meetings). */
  private readonly meetings: SwarmMeetings;
  /** The data channels moved to the worker. */
  readonly channels: ChannelTransfer;
  /** The web-seed requests this page makes for the worker (seed-request-place.ts says where they are made). */
  private readonly seedFetches: PageSeedFetches;
  private tracker: TrackerClient<RtcPeer> | undefined;
  private worker: WorkerLike;
  /** The current worker has posted `ready`. */
  private workerReady = false;
  private restarts = 0;
  /** Torrent views are posted as changes (availability cells, peers); this holds the whole views. */
  private readonly views = new ViewMirror();
  /** Actions sent to the worker, by request id, until its reply. */
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();
  private nextRequest = 1;
  private readonly numbers = new Map<string, AnnounceNumbers>();
  private readonly active = new Map<string, string[]>();
  /** Messages for the tracker that arrived before `ready` (the worker restored its torrents). */
  private readonly early: WorkerToMain[] = [];
  private closed = false;
  /** What the worker was last told of each torrent's reach (see reachability.ts). */
  private readonly reach = new Map<string, string>();

  private iceServers: RTCIceServer[];
  private relayOnly: boolean;

  constructor(private readonly options: BridgeOptions) {
    this.worker = options.worker;
    this.iceServers = options.iceServers;
    this.relayOnly = options.relayOnly ?? false;
    this.limiter = new RateLimiter(options.uploadLimit ?? 0);
    this.channels = new ChannelTransfer(
      (message, transfer) => this.worker.postMessage(message, transfer),
      options.channelsInWorker ?? true,
    );
    this.seedFetches = new PageSeedFetches((message, transfer) => this.worker.postMessage(message, transfer));
    this.peers = new PeerManager({
      channels: this.channels,
      onChannelPath: (path) => this.options.listener.channelPath?.(path),
      post: (message, transfer) => this.worker.postMessage(message, transfer),
      iceServers: () => this.iceServers,
      iceTransportPolicy: () => (this.relayOnly ? 'relay' : 'all'),
      limiter: this.limiter,
      ...(options.channelClock ? { channelClock: options.channelClock } : {}),
      onAttempts: (infoHashHex) => this.checkReach(infoHashHex),
      idlePlace: (infoHashHex) => this.views.view(infoHashHex)?.idlePlace === true,
      createConnection: simplePeerConnections(options.createInstance),
      ...(options.connectionBudget ? { budget: options.connectionBudget } : {}),
      ...(options.stallMs !== undefined ? { stallMs: options.stallMs } : {}),
    });
    this.meetings = new SwarmMeetings(this.peers, (message, transfer) =>
      this.worker.postMessage(message, transfer),
    );
    this.attach(this.worker);
  }

  private attach(worker: WorkerLike): void {
    worker.onmessage = (event) => {
      if (worker === this.worker) this.onMessage(event.data);
    };
    worker.onerror = (event) => this.onWorkerFailure(worker, event.message || 'the engine worker failed');
    worker.onmessageerror = () =>
      this.onWorkerFailure(worker, 'a message from the engine worker could not be read');
  }

  /**
   * Every pending request rejects; a worker that had started is replaced by a new one, which reloads its torrents
   * from storage and announces them again. The connections and tracker clients of the old one are closed.
   */
  private onWorkerFailure(worker: WorkerLike, reason: string): void {
    if (worker !== this.worker || this.closed) return;
    const error = new WorkerFailedError(`The engine stopped: ${reason}`);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    worker.onmessage = null;
    worker.onerror = null;
    worker.onmessageerror = null;
    worker.terminate?.();
    if (!this.options.createWorker || !this.workerReady || this.restarts >= MAX_RESTARTS) {
      this.options.listener.fatal?.(reason || 'The engine worker failed to start');
      return;
    }
    this.restarts++;
    this.tracker?.shutdown();
    this.tracker = undefined;
    this.meetings.clear();
    this.peers.closeAll();
    this.seedFetches.abortAll();
    this.channels.reset();
    this.early.length = 0;
    this.active.clear();
    this.numbers.clear();
    this.reach.clear();
    this.views.reset();
    this.workerReady = false;
    this.worker = this.options.createWorker();
    this.attach(this.worker);
    this.options.listener.restarted?.(reason);
  }

  get defaultTrackers(): string[] {
    return this.options.defaultTrackers;
  }

  /** The trackers are known to answer again: connections waiting out their backoff try now. */
  retryTrackers(): void {
    this.tracker?.retryNow();
  }

  /** Tracker states for a torrent. */
  trackerStatuses(infoHashHex: string): TrackerStatus[] {
    return this.tracker?.statuses(infoHashHex) ?? [];
  }

  setUploadLimit(bytesPerSecond: number): void {
    this.limiter.setRate(bytesPerSecond);
    // The channels the worker holds are paced there.
    this.worker.postMessage({ type: 'upload-limit', bytesPerSecond: this.limiter.bytesPerSecond });
  }

  /** ICE servers for new connections (fresh TURN credentials, say). */
  setIceServers(servers: RTCIceServer[]): void {
    this.iceServers = servers;
  }

  /** Relay-only for connections made from now on (what earlier attempts showed no longer applies). */
  setRelayOnly(on: boolean): void {
    if (on === this.relayOnly) return;
    this.relayOnly = on;
    this.peers.forgetAttempts();
  }

  /**
   * Tells the worker, when it changed, why the torrent's peers cannot be reached (or that nothing is wrong): from
   * its connection attempts, the swarm its trackers count, relay-only and the relays handed out.
   */
  private checkReach(infoHashHex: string): void {
    if (!this.workerReady || this.closed) return;
    const problem = this.active.has(infoHashHex)
      ? reachProblem({
          connected: this.peers.connectedCount(infoHashHex),
          swarmOthers: swarmOthers(this.tracker?.statuses(infoHashHex) ?? []),
          relayOnly: this.relayOnly,
          relayUrls: relayUrls(this.iceServers),
          attempts: this.peers.attempts(infoHashHex),
        })
      : undefined;
    if (problem === this.reach.get(infoHashHex)) return;
    if (problem === undefined) this.reach.delete(infoHashHex);
    else this.reach.set(infoHashHex, problem);
    this.worker.postMessage({
      type: 'reachability',
      infoHashHex,
      ...(problem !== undefined ? { problem } : {}),
    });
  }

  /**
   * Runs a user's action in the worker (see lib/messages/actions.ts) and answers its result; a failure rejects with
   * the worker's reason (`RequestError`), or `WorkerFailedError` when the worker stops first.
   */
  call<A extends WorkerAction>(call: Call<A>): Promise<ActionResult<A>> {
    const requestId = this.nextRequest++;
    // A .torrent file's bytes are moved to the worker, not copied.
    const transfer = call.op === 'add-torrent-file' ? [(call as Call<'add-torrent-file'>).bytes] : undefined;
    return new Promise<ActionResult<A>>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (value: unknown) => void, reject });
      const message: MainToWorker = {
        type: 'action',
        requestId,
        call: call as Call<WorkerAction>,
        defaultTrackers: this.options.defaultTrackers,
      };
      this.worker.postMessage(message, transfer);
    });
  }

  /** The page is going away: `stopped` to every tracker, close the connections, tell the worker. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.tracker?.shutdown();
    this.peers.closeAll();
    this.seedFetches.close();
    this.worker.postMessage({ type: 'shutdown' });
  }

  private onMessage(message: WorkerToMain): void {
    if (isTrackerMessage(message)) this.onTrackerMessage(message);
    else (this.handlers[message.type] as (message: BridgeMessage) => void)(message);
  }

  /** What the bridge itself does with each of the worker's messages but the tracker's. */
  private readonly handlers: Handlers<BridgeMessage> = {
    ready: (message) => {
      this.workerReady = true;
      this.tracker = this.createTracker();
      this.options.listener.ready?.(message.restored);
      for (const early of this.early.splice(0)) this.onMessage(early);
    },
    torrents: (message) => {
      const torrents = this.views.apply(message.torrents, message.listed);
      this.updateNumbers(torrents);
      this.options.listener.torrents?.(torrents);
    },
    reply: (message) => {
      const pending = this.pending.get(message.requestId);
      if (!pending) return;
      this.pending.delete(message.requestId);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new RequestError(message.error));
    },
    send: (message) => this.peers.send(message.infoHashHex, message.peer, message.data),
    sends: (message) => {
      for (const send of message.sends) this.peers.send(send.infoHashHex, send.peer, send.data);
    },
    'channel-support': (message) => {
      this.channels.setSupported(message.transferable);
      this.worker.postMessage({ type: 'upload-limit', bytesPerSecond: this.limiter.bytesPerSecond });
    },
    'channel-state': (message) => this.channels.state(message.id, message.state),
    'seed-fetch': (message) => this.seedFetches.fetch(message.id, message.request),
    'seed-abort': (message) => this.seedFetches.abort(message.id),
    'meet-peer': (message) => this.meetings.meet(message.infoHashHex, message.peer),
    'signal-in': (message) =>
      this.meetings.signalIn(message.infoHashHex, message.from, message.kind, message.payload),
    'meet-ended': (message) => this.meetings.ended(message.infoHashHex, message.peer),
    close: (message) => {
      // Why the engine closed a connection, for whoever reads the console (hidden unless verbose).
      console.debug(`swarmdrop: peer ${message.peer} closed by the engine: ${message.reason}`);
      this.peers.close(message.infoHashHex, message.peer);
    },
  };

  /** A message for the tracker clients: kept until `ready` (the worker restored its torrents), dropped once closed. */
  private onTrackerMessage(message: TrackerMessage): void {
    if (!this.tracker) {
      this.early.push(message);
      return;
    }
    if (this.closed) return;
    (
      this.trackerHandlers[message.type] as (message: TrackerMessage, tracker: TrackerClient<RtcPeer>) => void
    )(message, this.tracker);
  }

  private readonly trackerHandlers: TrackerHandlers = {
    'torrent-active': (message, tracker) => {
      this.setNumbers(message.infoHashHex, message.stats);
      // Browsers reach WebSocket trackers only, and none a link aimed at this device or its network: a torrent
      // left with none uses the app's own tracker.
      const trackers = announceTrackers(message.trackers, this.options.defaultTrackers);
      this.active.set(message.infoHashHex, trackers);
      tracker.start(message.infoHashHex, trackers, { infoHashV2: message.infoHashV2 });
      this.reportTrackers(message.infoHashHex);
    },
    'torrent-inactive': (message, tracker) => {
      this.setNumbers(message.infoHashHex, message.stats);
      this.active.delete(message.infoHashHex);
      tracker.stop(message.infoHashHex);
      this.meetings.closeTorrent(message.infoHashHex);
      this.peers.closeTorrent(message.infoHashHex);
      this.reach.delete(message.infoHashHex);
      this.options.listener.trackers?.(message.infoHashHex, []);
    },
    announce: (message, tracker) => {
      this.setNumbers(message.infoHashHex, message.stats);
      tracker.announceEvent(message.infoHashHex, message.event);
    },
    'want-peers': (message, tracker) =>
      tracker.wantPeers(message.infoHashHex, trackerWant(message.count, message.swarm)),
  };

  private createTracker(): TrackerClient<RtcPeer> {
    return new TrackerClient<RtcPeer>({
      createSocket: this.options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike),
      createPeer: this.peers.createPeer,
      matched: this.peers.matched,
      acceptsOffer: this.peers.acceptsOffer,
      numbers: (infoHashHex) => this.numbers.get(infoHashHex) ?? { uploaded: 0, downloaded: 0, left: null },
      status: (infoHashHex) => this.reportTrackers(infoHashHex),
      connectedCount: (infoHashHex) => this.peers.connectedCount(infoHashHex),
      offerRoom: (infoHashHex, wanted) =>
        this.peers.offerRoom(
          trackerOffers(wanted, {
            peerExchange: this.options.peerExchange ?? true,
            strangers: this.views.view(infoHashHex)?.strangers ?? 0,
          }),
        ),
    });
  }

  private reportTrackers(infoHashHex: string): void {
    if (!this.tracker) return;
    this.options.listener.trackers?.(infoHashHex, this.tracker.statuses(infoHashHex));
    this.checkReach(infoHashHex);
  }

  private setNumbers(infoHashHex: string, stats: AnnounceStats): void {
    const left = Number.isFinite(stats.left) && stats.left >= 0 ? stats.left : null;
    this.numbers.set(infoHashHex, { uploaded: stats.uploaded, downloaded: stats.downloaded, left });
  }

  /** Periodic announces carry the latest totals from the views. */
  private updateNumbers(torrents: TorrentView[]): void {
    for (const view of torrents) {
      const numbers = this.numbers.get(view.infoHashHex);
      if (!numbers) continue;
      numbers.uploaded = view.uploaded;
      numbers.downloaded = view.downloaded;
      if (view.left !== undefined && Number.isFinite(view.left) && view.left >= 0) numbers.left = view.left;
    }
  }
}

/** The TURN servers among the ICE servers (what a relay-only connection depends on). */
export function relayUrls(servers: readonly RTCIceServer[]): string[] {
  const urls: string[] = [];
  for (const server of servers) {
    for (const url of typeof server.urls === 'string' ? [server.urls] : (server.urls ?? []))
      if (/^turns?:/.test(url)) urls.push(url);
  }
  return urls;
}
