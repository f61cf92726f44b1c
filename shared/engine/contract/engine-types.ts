// The swarm engine's public contract: events in, actions out, the clock passed in.
// The worker (web/), the swarm lab (lab/) and the tests drive a TorrentSession only through these types.
//
// Driving a TorrentSession (session.ts):
// - Construct it, then feed events. The FIRST handle() call, whatever the event, returns `announce started` (and
//   `want-peers`) before anything else; adapters usually send a `tick` right after construction to get them.
// - Feed `tick` regularly (every 100-1000 ms): choke rounds, keep-alives, timeouts and `want-peers` run there.
// - `peer-connected` for every transport (outgoing or accepted); the session sends its handshake at once.
//   `peer-data` with the bytes as they come, `peer-closed` when the transport dies.
// - After the session emits `close` for a peer it has forgotten it: a later `peer-closed` or `peer-data` for that key
//   is ignored. The adapter must not reuse a key.
// - `hash {id}` is answered by `hashed {id}`; `store {index}` by `stored`/`store-failed`; `read` by
//   `read-done`/`read-failed`. Answers may come later, in any order, interleaved with other events. Every store and
//   read must be answered, a failure too: a `store-failed` piece is not counted and is fetched again, and the
//   session waits for storage (state 'error', `error` "Waiting for storage: <reason>", no `error` action) until a
//   `tick` finds its wait over (2 s, doubling after each refusal in a row up to 60 s), then downloads again.
// - A buffer handed out in `hash` and then `store` is the same piece buffer; the adapter may transfer it once the
//   `store` action has been carried out (the session keeps no reference after `store`, except with
//   `reusePieceBuffers`: then a web seed's piece buffer is the session's again once `stored` or `store-failed` is
//   fed, and the adapter must have copied what it keeps by then; a buffer it transferred is not used again). Every
//   `send` carries a fresh buffer the adapter owns (it may transfer it). `peer-data` chunks are read in place and may
//   be kept as views until the event returns, so the adapter must not reuse them while handle() runs.
// - Peer exchange (sd_pex, pex/; docs/protocols.md): `meet-peer` asks for a WebRTC offer to a peer heard of through
//   neighbours, fed back in `signal-out`; `signal-in` brings offers from strangers and answers to ours, relayed by a
//   neighbour; `meet-ended` drops a meeting; the connection that results is `peer-connected` with `expect`.
// - Hash ids are unique per session (a counter); piece and metadata checks share the sequence.
import type { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import type { ChokePolicy, SpareSlots } from '../choke/choker';
import type { TorrentInfoV2 } from '../../codec/metainfo-v2';
import type { NodeHash } from '../verify/file-tree';
import type { PieceSelection } from '../picker/selection';
import type { VerifiedPieces } from '../verify/verified-pieces';
import type { WishlistFactory } from '../picker/wishlist';

/** A connection key chosen by the adapter (unique per connection for the session's lifetime). */
export type PeerKey = string;

/** A peer id as 40 lowercase hex characters (the 20 bytes of its BitTorrent handshake). */
export type PeerIdHex = string;

/** What a relayed signalling payload is (sd_pex, docs/protocols.md "Peer exchange and relayed signalling"): an
 * `offer` to meet, the `answer` to an offer, or `decline` (the offer is refused; no payload). */
export type SignalKind = 'offer' | 'answer' | 'decline';

/** What a `hash` action computes: SHA-1 of the data (the default), or the SHA-256 of each of its 16 KiB blocks. */
export type HashAlgorithm = 'sha1' | 'sha256-blocks';

export type AnnounceEvent = 'started' | 'completed' | 'stopped';

export interface EngineConfig {
  /** Connections the session wants; below it, it asks for more peers. */
  targetPeers: number;
  /** Connections above this are refused (closed). */
  maxPeers: number;
  /** Regular unchoke slots (tit-for-tat). */
  uploadSlots: number;
  chokeIntervalMs: number; // 10 s
  optimisticIntervalMs: number; // 30 s
  handshakeTimeoutMs: number;
  idleTimeoutMs: number; // no message at all for this long: close
  keepAliveMs: number;
  requestTimeoutMs: number;
  snubTimeoutMs: number; // 60 s
  minPipeline: number; // 5
  maxPipeline: number; // cap, also bounded by the peer's reqq
  /** Pieces picked at random before rarest-first starts (Cohen 2003). */
  randomFirstPieces: number;
  /** Duplicate requests per block in endgame. */
  endgameDuplicates: number;
  clientName: string;
  /** How fresh pieces are chosen (default 'rarest': random first pieces, then rarest first). */
  pieceSelection?: PieceSelection;
  /** Leeching: who may take regular unchoke slots no uploader fills (default 'uninteresting'; see choker.ts). Also
   * the rule for unchoking an interested peer between choke rounds. */
  spareSlots?: SpareSlots;
  /** Every choke decision: rounds, between rounds, upload caps (default `titForTat`, see choker.ts). The lab plugs in
   * its strategies here (free rider, no choking, a fixed upload cap, a strategic choker: lab/sim/strategy.ts). */
  chokePolicy?: ChokePolicy;
  /** A v2 session: pieces of the playback window whose leaf hashes are asked in advance, so each of their blocks is
   * checked on arrival (default LEAVES_AHEAD, block-checks.ts; 0: only failed pieces are judged block by block). */
  leavesAhead?: number;
  /** While we hold no piece, ask one peer at a time for one piece (default true; first-piece.ts). */
  firstPieceOneSource?: boolean;
  /** Piece selection and request bookkeeping once the torrent is known (default: a PiecePicker, see picker.ts). */
  wishlist?: WishlistFactory;
  /** The work one peer's messages may cause (default DEFAULT_WORK_BUDGET, message-budget.ts): past it the peer is
   * closed. */
  peerWork?: WorkBudget;
  /** The adapter's `store` copies the bytes it keeps (or transfers the buffer) before it answers, so the buffers of
   * a web seed's pieces are used again for the next pieces once `stored` or `store-failed` comes (default false:
   * each piece a fresh buffer; download/piece-pool.ts). */
  reusePieceBuffers?: boolean;
  /** Peer exchange and relayed signalling with peers that speak sd_pex (default true; pex/). Off: the extension is
   * not advertised, and a peer that sends it anyway is closed. */
  peerExchange?: boolean;
  /** Tests only: each torrent serves the first `pieces` pieces asked for until the hold is released
   * (upload/serve-hold.ts). */
  serveHold?: ServeHoldSwitch;
  /** Super-seeding (BEP 16) while this session started with every piece and its peers do not yet hold every piece
   * between them (upload/super-seed.ts). Off by default: in the lab it frees the sender sooner but leaves the
   * swarm's time no better, a little worse at N = 10 (docs/lab.md, the sender's part). */
  superSeed?: boolean;
}

/** A test's hold on what a seeder serves, as the sessions read it (upload/serve-hold.ts makes one). */
export interface ServeHoldSwitch {
  /** Pieces each torrent may serve while the hold holds (the first asked for); not read where `piece` is set. */
  readonly pieces: number;
  /** The one piece each torrent does not serve while the hold holds (every other it serves), where set. */
  readonly piece?: number;
  /** Every piece may be served. */
  readonly released: boolean;
}

/** Work units (one constant-time change of the engine's state each) a peer's messages may cause. */
export interface WorkBudget {
  /** Refilled per second. */
  perSecond: number;
  /** The most it may save up. */
  burst: number;
}

/** What a session needs to speak v2 for a v2 or hybrid torrent. */
export interface V2Options {
  /** The torrent's v2 view (metainfo-v2.ts). */
  info: TorrentInfoV2;
  /** Piece layers from the .torrent by pieces root (hex); the others are asked of peers. */
  pieceLayers?: ReadonlyMap<string, Uint8Array>;
  /** Inner-node hashing (default: SHA-256 in TypeScript, shared/hash/sha256.ts). */
  nodeHash?: NodeHash;
}

/**
 * A v2 view given later: a hybrid joined by magnet link announces v2 from its first handshake (hash requests get a
 * `hash reject` meanwhile), and its caller sets `view` once the metadata is parsed; the session takes it up on its
 * next event and asks for the layers it lacks at its next tick.
 */
export interface LaterV2 {
  view?: V2Options;
}

export interface SessionOptions {
  infoHash: Uint8Array; // 20 bytes
  peerId: Uint8Array; // ours, 20 bytes
  /** Known info (from a .torrent or our own share); absent when starting from a magnet link. */
  info?: TorrentInfo;
  /** Pieces already verified and stored (resume): a bitfield (copied), or their owner, shared with the caller (the
   * worker's torrent host reads the session's verified pieces through it). */
  have?: Bitfield | VerifiedPieces;
  /** A v2 or hybrid torrent's v2 view (with `info`): the session speaks BEP 52 (the v2 handshake bit, piece layers
   * asked of and given to v2 peers). */
  v2?: V2Options | LaterV2;
  /** Joined by a btmh-only magnet link: the full SHA-256 info hash (`infoHash` is its first 20 bytes). The metadata
   * is checked against it and the torrent runs by its v2 view (shared/codec/v2-pieces.ts), a hybrid's too: every piece is
   * checked against its file's tree, the layers asked of v2 peers. */
  infoHashV2?: Uint8Array;
  /** Seeded randomness in [0, 1). */
  random: () => number;
  now: number;
  config?: Partial<EngineConfig>;
  /** Web seeds (BEP 19), checked by shared/codec/web-seeds.ts: asked for what peers cannot give soon enough. */
  webSeeds?: readonly string[];
  /** The most bytes the web seeds may be asked for in this session (default: no bound). */
  webSeedBudget?: number;
}

/** Why a web seed request failed, as the adapter saw it. */
export interface WebSeedFailure {
  /** The HTTP status, when an answer came (200 to a range request: the server sends no parts of files). */
  status?: number;
  /** A 429 or 503's Retry-After, in ms from now. */
  retryAfterMs?: number;
  /** This page may not read the seed: 'cors' (the server does not allow this site), 'mixed-content' (an http://
   * seed on an https:// page). The seed is out. */
  blocked?: 'cors' | 'mixed-content';
  /** This file cannot be had from this seed (other bytes than asked for, redirects that lead nowhere or to a server
   * this site may not read): the file is dropped from the seed, which goes on with the others. */
  dropFile?: boolean;
  /** In words, for the details. */
  reason: string;
}

/** A file's priority: 'skip' (not downloaded), 'normal', 'high' (before the rest). */
export type FilePriority = 'skip' | 'normal' | 'high';

export type EngineEvent =
  /** A transport to a peer is open (the adapter made or accepted it). The session sends its handshake. */
  | {
      type: 'peer-connected';
      peer: PeerKey;
      /** What names the remote end beyond its self-chosen peer id (its public address, its DTLS fingerprint, as
       * `ip:…`, `dtls:…`): a peer banned for corrupt data is banned under these too. */
      identities?: readonly string[];
      /** The connection was made through the swarm (from a `signal-in` answer to our offer, or our answer to a
       * `signal-in` offer) to meet this peer: a handshake naming any other peer id closes it, and the neighbour that
       * relayed the signalling with it (forged). */
      expect?: PeerIdHex;
    }
  /** Bytes from a peer's stream, any split. */
  | { type: 'peer-data'; peer: PeerKey; data: Uint8Array }
  | { type: 'peer-closed'; peer: PeerKey }
  /** The peer's transport is not draining what we send (`backlogged`), or drained again. While backlogged the
   * peer gets no new block reads (upload backpressure); the adapter reports it from its send queue's size. */
  | { type: 'peer-backlog'; peer: PeerKey; backlogged: boolean }
  /** The bytes the adapter holds for this session (every connection) that have not left yet: reported at start (0)
   * and whenever that queue shrinks, it turns on upload pacing (pacer.ts: about one piece-time queued, the next
   * block chosen when there is room). Without reports, or PACE_SILENCE_MS after the last, each peer's reads are
   * paced by `peer-backlog` alone. `byPeer`, where the adapter can tell: each connection's part of `bytes` (a
   * connection not named holds none); each is its own SCTP association with its own congestion window, and the
   * pacer keeps one connection's backlog from holding the whole window (pacer.ts `connectionShare`). */
  | { type: 'upload-queue'; bytes: number; byPeer?: ReadonlyArray<readonly [PeerKey, number]> }
  /** Per file of the torrent (in info order): skip it, fetch it normally, or first. Pieces shared by files take the
   * highest of their files' priorities. Ignored before the info is known. */
  | { type: 'file-priorities'; priorities: FilePriority[] }
  /** Pieces to fetch before the rest, unless their files are skipped: a playable file's start and end, asked as the
   * download starts so that a player finds them (piece-priorities.ts). Replaces the earlier list; at most
   * MAX_EARLY_PIECES are kept. Ignored before the info is known. */
  | { type: 'early-pieces'; pieces: number[] }
  /** Pieces to fetch first, by the given time (ms, the session's clock): a player's playhead and the window ahead.
   * `replace` drops the earlier deadlines first (a seek). */
  | { type: 'piece-deadlines'; deadlines: Array<{ index: number; at: number }>; replace?: boolean }
  /** A player of file `file` (in info order) is at byte `position` of it: the pieces from there over several seconds
   * of media are fetched first, in order (the playback window, `streaming.ts`); a jump out of the window (a seek)
   * cancels the requests it no longer needs. `bytesPerSecond`: the file's length over the media's duration, when
   * known (else measured from the playhead); `paused`: paused, seeking or waiting, the playhead stays. */
  | { type: 'playhead'; file: number; position: number; bytesPerSecond?: number; paused?: boolean }
  /** The player closed: the playback window goes. */
  | { type: 'playback-stopped' }
  /** Bytes of a `webseed-fetch` answer, in order from its `start` (any split). */
  | { type: 'webseed-data'; request: number; data: Uint8Array }
  /** A `webseed-fetch` answer ended (every byte given or not: fewer than asked is a failure). */
  | { type: 'webseed-end'; request: number }
  | ({ type: 'webseed-failed'; request: number } & WebSeedFailure)
  /** The most bytes the web seeds may be asked for from now on (undefined: no bound). */
  | { type: 'webseed-budget'; bytes: number | undefined }
  /** Result of a `hash` action. */
  | { type: 'hashed'; id: number; digest: Uint8Array }
  /** Result of a `store` action. */
  | { type: 'stored'; index: number }
  | { type: 'store-failed'; index: number; reason: string }
  /** Result of a `read` action. */
  | { type: 'read-done'; peer: PeerKey; index: number; begin: number; data: Uint8Array }
  | { type: 'read-failed'; peer: PeerKey; index: number; begin: number; reason: string }
  /** Result of a `retract` action: the block had not left, and will not be sent. */
  | { type: 'block-retracted'; peer: PeerKey; index: number; begin: number; length: number }
  /** Hand the session a signalling payload to relay through a neighbour: the offer for a `meet-peer`, or the answer
   * (or `decline`) to a `signal-in` offer. `payload` is opaque to the session (the SDP with its candidates, as the
   * adapter encodes it; at most MAX_SIGNAL_PAYLOAD bytes, shared/codec/pex.ts); `decline` carries none. */
  | { type: 'signal-out'; to: PeerIdHex; kind: SignalKind; payload?: Uint8Array }
  /** The adapter could not make the offer for a `meet-peer`, or gave up on a meeting (its connection failed or timed
   * out before the handshake): the session forgets the meeting and may meet that peer again later. */
  | { type: 'meet-failed'; peer: PeerIdHex; reason: string }
  /** Time passed; the session runs its timers (choke rounds, timeouts, keep-alives). */
  | { type: 'tick' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** The user stops the torrent: announce stopped, close everything. */
  | { type: 'stop' };

export type EngineAction =
  | { type: 'send'; peer: PeerKey; data: Uint8Array }
  | { type: 'close'; peer: PeerKey; reason: string }
  /** SHA-1 of `data` (or, with `algorithm: 'sha256-blocks'`, the SHA-256 of each 16 KiB block of it, the last one
   * as long as what is left, concatenated: a v2 piece's leaf hashes); answer with a `hashed` event carrying the same
   * id. `urgent`: a piece a player waits for (it has a deadline), checked before the pieces that have none. */
  | { type: 'hash'; id: number; data: Uint8Array; algorithm?: HashAlgorithm; urgent?: true }
  /** A verified piece to store; answer with `stored` or `store-failed`. */
  | { type: 'store'; index: number; data: Uint8Array }
  /** Read a block of a stored piece to serve a peer; answer with `read-done` or `read-failed`. */
  | { type: 'read'; peer: PeerKey; index: number; begin: number; length: number }
  /** The peer cancelled a block we handed to its transport already: drop it if it has not left yet, and answer with
   * `block-retracted` if it was dropped (nothing otherwise; an adapter that cannot reach its queue ignores this). */
  | { type: 'retract'; peer: PeerKey; index: number; begin: number; length: number }
  | { type: 'announce'; event?: AnnounceEvent }
  /** Fewer connections than the target: the adapter should find this many more peers. `swarm`: of those, how many
   * the session is meeting through its neighbours (peer exchange, `meet-peer`): the tracker need only bring the
   * rest (absent: 0). */
  | { type: 'want-peers'; count: number; swarm?: number }
  /** Meet this peer, heard of through peer exchange, through the swarm: make a WebRTC offer (with its candidates)
   * and hand it to the session in a `signal-out` of kind `offer` to `peer`, or feed `meet-failed`. The meeting lasts
   * at most MEET_TIMEOUT_MS (pex/meetings.ts); the session sends `meet-ended` when it gives up. */
  | { type: 'meet-peer'; peer: PeerIdHex }
  /** A signalling payload relayed to us by a neighbour (`via`): an `offer` from `from` (answer it with a
   * `signal-out` of kind `answer`, or `decline`, to `from`, then `peer-connected` with `expect: from`), or the
   * `answer` to our offer to `from` (complete the connection, then `peer-connected` with `expect: from`), or its
   * `decline` (drop what was made for that meeting). */
  | { type: 'signal-in'; from: PeerIdHex; via: PeerKey; kind: SignalKind; payload?: Uint8Array }
  /** The session gave up a meeting with `peer` (the relay refused, no answer in time, the session stopped): drop
   * the connection being made for it, if any. */
  | { type: 'meet-ended'; peer: PeerIdHex; reason: string }
  /** Fetch bytes [start, end) of file `file` from web seed `url` (the file's URL in BEP 19's layout) with a lone
   * Range header (`whole`: the server sends no parts, ask for the whole file without one); answer with
   * `webseed-data`, then `webseed-end` or `webseed-failed`. The seed's bytes go to pieces `pieces`. */
  | {
      type: 'webseed-fetch';
      request: number;
      seed: string;
      url: string;
      file: number;
      start: number;
      end: number;
      whole?: boolean;
    }
  /** Stop a `webseed-fetch` (a seek moved away from its pieces, the session paused or stopped); nothing answers. */
  | { type: 'webseed-abort'; request: number }
  /** Metadata fetched and verified (magnet start): persist it; the session now knows `info`. */
  | { type: 'metadata'; info: TorrentInfo }
  /** Every piece verified and stored. */
  | { type: 'complete' }
  /** The piece layers the session lacked (a hybrid or v2 torrent added without them) all came from peers and were
   * proved against their roots: keep them (`pieceLayers` of the session), so later sessions and the .torrent handed
   * out have them. It may come before or after `complete`. */
  | { type: 'layers-known' }
  /** The session hit an error it cannot go on from (e.g. hashing failed): show it. A store that failed is not one:
   * the session waits for storage and tries again by itself. */
  | { type: 'error'; reason: string };

export interface PeerStats {
  peer: PeerKey;
  peerId: string; // hex
  client: string;
  /** 0..1 of the pieces this peer has. */
  progress: number;
  downloadRate: number; // bytes/s from this peer, rolling window
  uploadRate: number; // bytes/s to this peer
  downloaded: number;
  uploaded: number;
  amChoking: boolean;
  amInterested: boolean;
  peerChoking: boolean;
  peerInterested: boolean;
  snubbed: boolean;
  /** Its share of the verified pieces, split between a piece's senders by the bytes each sent (fractional). */
  piecesReceived: number;
  requestsInFlight: number;
  /** Our smoothed time from a request to its block, ms (undefined before the first block). */
  requestToBlockMs?: number;
}

export type SessionState = 'fetching-metadata' | 'downloading' | 'seeding' | 'paused' | 'stopped' | 'error';

export interface SessionStats {
  state: SessionState;
  infoHashHex: string;
  name?: string;
  pieceCount: number;
  have: number;
  /** Pieces of the chosen files (every piece while no file is skipped): what the download is done with. */
  wantedPieces: number;
  /** Of those, the pieces verified. */
  wantedVerified: number;
  /** Of those still missing, the pieces at least one connected peer has. */
  wantedReachable: number;
  /** Bytes still missing (for announces' `left`); the full length when unknown is 0 for magnet starts. */
  left: number;
  length: number;
  downloaded: number; // verified payload bytes received this session
  uploaded: number;
  /** Bytes per second from every source (peers and web seeds), over the last few seconds. */
  downloadRate: number;
  uploadRate: number;
  ratio: number;
  peers: number;
  seeds: number;
  /** Seconds, or undefined when no estimate. */
  timeLeft?: number;
  /** Per piece: -1 = we have it, otherwise how many connected peers have it. */
  availability: Int16Array;
  peerStats: PeerStats[];
  /** The web seeds, when the torrent has some. */
  webSeeds?: WebSeedStats[];
  /** The web seeds' byte budget (`webSeedBudget`) is spent: they are asked for nothing more, the rest comes from
   * peers. */
  webSeedBudgetSpent?: true;
  /** Every peer place is taken, and one is held by a peer that exchanged no piece data past its grace (idle-places.ts):
   * a new peer would get that place. A page that stops answering offers at the session's places answers one more. */
  idlePlace?: true;
  /** Every piece is held by a connected peer or by a web seed that serves them all (session/swarm-coverage.ts): this
   * node may leave and the swarm can still finish. */
  othersHoldEvery?: true;
  /** Peer exchange (sd_pex): what the session knows of the swarm beyond its own connections. */
  swarm?: SwarmStats;
  /** Why the state is 'error': the reason of the `error` action, or `Waiting for storage: <reason>` while storage
   * refuses pieces (the session goes on by itself). */
  error?: string;
}

/** Peer exchange's view of the swarm (pex/). */
export interface SwarmStats {
  /** Connected peers that speak sd_pex. */
  neighbours: number;
  /** Connected peers whose handshakes say they do not (a WebTorrent client): they name nobody, so the trackers are
   * asked for peers as without peer exchange. */
  strangers: number;
  /** Peers heard of through them that we are not connected to (and that have not left). */
  heard: number;
  /** Peers known to have left (kept a while so they are not met). */
  departed: number;
  /** Meetings through the swarm under way (ours and strangers' offers we answered). */
  meetings: number;
}

export interface WebSeedStats {
  url: string;
  status: 'fetching' | 'idle' | 'waiting' | 'failed';
  downloaded: number;
  /** Why it is out (failed), in words. */
  failure?: string;
  /** Files it may not serve, with why. */
  droppedFiles: Array<{ file: number; reason: string }>;
}

/** What `shared/engine/session/session.ts` exports as `class TorrentSession implements Session`. */
export interface Session {
  /** Feeds one event; returns the actions to carry out, in order. `now` is milliseconds (any epoch, monotonic). */
  handle(event: EngineEvent, now: number): EngineAction[];
  stats(now: number): SessionStats;
  /** This session's payload totals (the `downloaded` and `uploaded` of stats), cheap enough for every piece. */
  totals(): { downloaded: number; uploaded: number };
  /** Known once given or fetched. */
  readonly info: TorrentInfo | undefined;
  /** Verified pieces (undefined until the info is known). */
  readonly have: Bitfield | undefined;
  /** Their owner, with the count and bytes (undefined until the info is known). */
  readonly verified: VerifiedPieces | undefined;
  /** A v2 session's piece layers: what piece `index` must hash to, once its file's layer is known. */
  readonly pieceLayers?: {
    expected(index: number): { hash: Uint8Array } | undefined;
    /** Files whose layer is still unknown. */
    readonly missing: number;
  };
}
