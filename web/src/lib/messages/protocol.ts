// Messages between the main thread (UI + WebRTC) and the engine worker.
// Byte payloads travel as transferred ArrayBuffers (postMessage transfer list), never copied.
import type {
  AnnounceEvent,
  PeerStats,
  SessionState,
  SignalKind,
} from '../../../../shared/engine/contract/engine-types';
import type { ActionResult, Call, WorkerAction } from './actions';
import type { SeedPageMessage, SeedWorkerMessage } from './seed-requests';

/**
 * Availability as posted: the whole array when a torrent first appears (or its piece count changed), else the cells
 * that changed as `[index, value, index, value, ...]`. A view whose availability did not change carries none.
 * (Diffed and applied in view-delta.ts.)
 */
export type AvailabilityPatch = { full: number[] } | { changed: number[] };

/** How a connection's bytes travel: straight between the two browsers, or through a TURN relay. */
export type PeerPath = 'direct' | 'relayed';

/** A peer's row: the engine's figures, and the path the page read from the connection's statistics, once known. */
export type PeerRow = PeerStats & { path?: PeerPath };

/** Peers as posted: those added or whose figures changed, and the keys of those gone. */
export interface PeersPatch {
  changed: PeerRow[];
  gone: string[];
}

/** A torrent as the UI shows it (posted by the worker a few times a second). */
export interface TorrentView {
  infoHashHex: string;
  name: string;
  state: SessionState;
  error?: string;
  magnet: string;
  trackers: string[];
  /** 0..100 */
  progress: number;
  length: number;
  pieceCount: number;
  have: number;
  /** Verified payload bytes received, in total over every session of this torrent (persisted across reloads). */
  downloaded: number;
  /** Payload bytes sent, in total over every session (persisted). */
  uploaded: number;
  /** The same counts for the current session only (since this page load or the last resume after an error). */
  sessionDownloaded?: number;
  sessionUploaded?: number;
  /** Bytes still to fetch, as the tracker hears it (`left`); absent while a share is being hashed. */
  left?: number;
  downloadRate: number;
  uploadRate: number;
  peers: number;
  seeds: number;
  timeLeft?: number;
  /** `chosen`: to be downloaded (a file unchecked with `Download <path>` is not). */
  files: Array<{ index: number; path: string; length: number; complete: boolean; chosen: boolean }>;
  peerStats: PeerRow[];
  /**
   * Peers are known (or a relay is needed) but no connection could be made, said in words (`The relay server … did
   * not answer`, `2 peers found, none could be reached`); the page's diagnosis of its connection attempts.
   */
  unreachable?: string;
  /** Pieces are missing and no connected peer has any of them (the seeder left), said in words (`Waiting for
   * someone who has the rest: …`); the worker's diagnosis (worker/torrent/stall.ts), gone once one does. */
  stalled?: string;
  /** The link names its .torrent on a web server (`xs=`) and it could not be had, in words naming the server and
   * the file (`… is not there (404)`): the metadata must come from peers. */
  sourceProblem?: string;
  /** Per piece: -1 = have, else number of connected peers that have it. */
  availability: number[];
  addedAt: number;
  /** Shared from the files on disk (read in place, not copied into the browser's storage). */
  inPlace?: boolean;
  /** Stopped until the browser may read the shared files again: the page offers `Resume sharing`. */
  resumeSharing?: boolean;
  /** A private share: its key, for the share link's fragment (only in this browser's views). */
  shareKey?: string;
  /** Hashing progress 0..1 while a share is being created. */
  hashing?: number;
  /** Its web seeds (BEP 19), when it has some. */
  webSeeds?: WebSeedRow[];
  /** The most its web seeds may send, in bytes, when the user set a limit. */
  webSeedBudget?: number;
  /** The web seeds have sent what `webSeedBudget` allows: the rest comes from peers. */
  webSeedBudgetSpent?: true;
  /** Every peer place is taken and one is held by a peer idle past its grace: a new peer would get it (the page
   * answers an offer beyond its cap, peers.ts). */
  idlePlace?: true;
  /** Connected peers that speak peer exchange (sd_pex): it meets more peers through them, and asks the tracker for
   * fewer offers (net/page/tracker-offer-cap.ts). */
  neighbours?: number;
  /** Connected peers whose handshakes say they do not speak sd_pex (a WebTorrent client): the page asks the tracker
   * for every offer wanted again. */
  strangers?: number;
  /** This tab seeds it and every piece is held by someone else connected (or a web seed serving them all): the
   * tab may close and the others can still finish (engine/session/swarm-coverage.ts). */
  othersHoldEvery?: true;
  /** With `hashing`: the files chosen for a `Torrent to seed` are being checked against it (not a new share). */
  checking?: boolean;
}

/** A web seed as the torrent's details show it. */
export interface WebSeedRow {
  url: string;
  host: string;
  status: 'fetching' | 'idle' | 'waiting' | 'failed';
  downloaded: number;
  /** What went wrong, in words: why it is out, or the files it lost and why. */
  problem?: string;
}

/** A view as the worker posts it: availability as changes since the last post (none when unchanged). */
export type PostedView = Omit<TorrentView, 'availability' | 'peerStats'> & {
  availability?: AvailabilityPatch;
  peerStats?: PeersPatch;
};

/** A user's action for the worker (see actions.ts), answered by a `reply` with the same `requestId`. */
export interface ActionMessage<A extends WorkerAction = WorkerAction> {
  type: 'action';
  requestId: number;
  call: Call<A>;
  /** The app's own trackers: for new shares, and added to every torrent's own. */
  defaultTrackers: string[];
}

export type MainToWorker =
  | ActionMessage
  /** A connection opened; `channel` names its data channel when that channel lives in the worker (see below). */
  | {
      type: 'peer-connected';
      infoHashHex: string;
      peer: string;
      identities?: string[];
      channel?: string;
      /** Made through the swarm to meet this peer id (hex): its handshake must name it (peer exchange). */
      expect?: string;
    }
  /** What the peer sent on a channel the page holds (net/page/page-relay.ts); a channel the worker holds is read
   * there. */
  | { type: 'peer-data'; infoHashHex: string; peer: string; data: ArrayBuffer }
  | { type: 'peer-closed'; infoHashHex: string; peer: string }
  /** The path of a connection, read from its selected ICE candidate pair. */
  | { type: 'peer-path'; infoHashHex: string; peer: string; path: PeerPath }
  /** The page's diagnosis of a torrent's connection attempts (none: nothing to say). */
  | { type: 'reachability'; infoHashHex: string; problem?: string }
  /** The peer's data channel is not draining what we send (or drained again): upload backpressure. */
  | { type: 'peer-backlog'; infoHashHex: string; peer: string; backlogged: boolean }
  /** What the torrent's data channels hold that has not left (our queues and their buffers): upload pacing. */
  | { type: 'upload-queue'; infoHashHex: string; bytes: number; byPeer?: Array<[string, number]> }
  /** A stream (a player, a save) needs these pieces first, the first now; `seek` drops earlier wishes. Posted by the
   * service worker on its channel (lib/messages/stream-wishes.ts), not by the page. */
  | { type: 'want-pieces'; infoHashHex: string; pieces: number[]; seek: boolean; behind?: true }
  /** The page is going away: announce stopped where possible, flush storage. */
  | { type: 'shutdown' }
  // --- peer exchange's meetings (net/page/swarm-meetings.ts; docs/protocols.md, sd_pex) ---
  /** Our offer for a `meet-peer`, or our answer (or decline) to a relayed offer: the engine relays it. `payload`: the
   * description's SDP as UTF-8 (none for a decline). */
  | { type: 'signal-out'; infoHashHex: string; to: string; kind: SignalKind; payload?: ArrayBuffer }
  /** A meeting could not be made or was given up before its handshake: the engine forgets it. */
  | { type: 'meet-failed'; infoHashHex: string; peer: string; reason: string }
  // --- channels in the worker (net/page/channel-transfer.ts, worker/transport/owned-channels.ts) ---
  /** A connection's data channel, transferred to the worker when it was created (before it opened or sent). */
  | { type: 'channel-adopt'; id: string; channel: RTCDataChannel }
  /** The page closed the connection of that channel. */
  | { type: 'channel-close'; id: string }
  /** The tab's upload limit, for the channels the worker writes (0 = none). */
  | { type: 'upload-limit'; bytesPerSecond: number }
  /** A web seed's request the page made for the worker (seed-requests.ts). */
  | SeedPageMessage
  // --- the hash worker, started by the page beside the engine worker (worker/hash/hash-link.ts) ---
  /** One end of a channel to the hash worker: v2 leaf hashes go there from now on. */
  | { type: 'hash-port'; port: MessagePort }
  /** The hash worker failed: the engine worker hashes what it held there, and everything after, itself. */
  | { type: 'hash-lost' };

/** The answer to one action: its result, typed by the action's row. */
export interface ActionReply<A extends WorkerAction = WorkerAction> {
  type: 'reply';
  requestId: number;
  ok: true;
  value: ActionResult<A>;
}

/** An action that failed, with the reason the user reads. */
export interface FailedReply {
  type: 'reply';
  requestId: number;
  ok: false;
  error: string;
}

export interface AnnounceStats {
  uploaded: number;
  downloaded: number;
  left: number;
}

export type WorkerToMain =
  /** The worker is up (each torrent has its own peer ids: its sessions' here, its announces' in the page). */
  | { type: 'ready'; restored: number }
  /**
   * The torrent list. With `listed` (every listed torrent's key, in order), `torrents` holds only the views that
   * changed since the last post and the page keeps the others; without it, `torrents` is the whole list.
   */
  | { type: 'torrents'; torrents: PostedView[]; listed?: string[] }
  /** Answer to an action. */
  | { [A in WorkerAction]: ActionReply<A> }[WorkerAction]
  | FailedReply
  /** A torrent became active (added, restored, resumed): the main thread starts tracker clients for it. */
  | {
      type: 'torrent-active';
      infoHashHex: string;
      trackers: string[];
      stats: AnnounceStats;
      /** A hybrid torrent's v2 info hash (hex), announced with the v1 hash as its alias (tracker-client.ts). */
      infoHashV2?: string;
    }
  | { type: 'torrent-inactive'; infoHashHex: string; stats: AnnounceStats }
  | { type: 'send'; infoHashHex: string; peer: string; data: ArrayBuffer }
  /** The sends of one worker task, in order (see worker/transport/send-batcher.ts): what the worker posts. */
  | { type: 'sends'; sends: Array<{ infoHashHex: string; peer: string; data: ArrayBuffer }> }
  | { type: 'close'; infoHashHex: string; peer: string; reason: string }
  | { type: 'announce'; infoHashHex: string; event?: AnnounceEvent; stats: AnnounceStats }
  /** `swarm`: of `count`, the peers the engine meets through its neighbours (the tracker need bring only the rest). */
  | { type: 'want-peers'; infoHashHex: string; count: number; swarm?: number }
  // --- peer exchange's meetings (net/page/swarm-meetings.ts) ---
  /** Make an offer to this peer id (hex), for the engine to relay: answered by `signal-out` or `meet-failed`. */
  | { type: 'meet-peer'; infoHashHex: string; peer: string }
  /** A description relayed to us: an offer from `from` (answer it), the answer to our offer to `from`, or its
   * decline. */
  | { type: 'signal-in'; infoHashHex: string; from: string; kind: SignalKind; payload?: ArrayBuffer }
  /** The engine gave up the meeting with this peer: drop its connection if it has not opened. */
  | { type: 'meet-ended'; infoHashHex: string; peer: string }
  // --- channels in the worker (net/page/channel-transfer.ts, worker/transport/owned-channels.ts) ---
  /** Posted first: whether this worker can hold data channels (RTCDataChannel exists in its scope). */
  | { type: 'channel-support'; transferable: boolean }
  /** A channel the worker holds opened, or closed (the page's stand-in tells simple-peer). */
  | { type: 'channel-state'; id: string; state: 'open' | 'closed' }
  /** A web seed's request for the page to make, or to abort (seed-requests.ts). */
  | SeedWorkerMessage;
