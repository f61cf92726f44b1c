// Web seeds as a source the session schedules (BEP 19). A web seed has every piece and never chokes, but each byte it
// sends costs its owner, so it is asked only for what the swarm cannot give soon enough: the pieces a playing file
// needs next (the playback window), the pieces no connected peer has (a playable file's start and end first: a player
// that starts soon reads them, then from the session's random piece), and the last pieces (endgame), within the
// session's byte budget. What a player needs (the playback window and the service worker's reads, earliest deadline
// first) is asked for as soon as the player asks, in requests of its own, and while the player waits for a piece due
// soon the runs elsewhere stop: a web seed on a fast link sends faster than the pieces are checked and stored, and
// their bytes would be checked ahead of the player's. Pieces are claimed in the picker under the seed's key before they
// are asked for, so a peer is never asked for the same blocks while the seed brings them, and a piece any peer already
// asked for stays with that peer. Contiguous pieces are merged into one request per file, of at most MAX_REQUEST_BYTES;
// pad and empty files are never in a request (file-ranges.ts). Each piece is handed on as soon as its bytes are in
// (piece-assembly.ts). Failures are per file where they can be (seed-state.ts): a 404 or 410, or a piece that fails its
// check, removes that file from that seed; 429 and 503 wait for Retry-After; a 200 to a range request means the server
// sends no parts. Sans-I/O: the adapter fetches (the `webseed-fetch` action) and answers with events.
import type { EngineAction, WebSeedFailure, WebSeedStats } from '../contract/engine-types';
import { byteRanges, filesOfPiece, pieceSpan, type SeedGeometry } from './file-ranges';
import { PieceAssembly } from './piece-assembly';
import { SeedState } from './seed-state';
import { budgetStart, budgetStepBytes } from './budget-start';
import { MIN_REQUEST_BYTES, firstFrom, requestLimit, startPiece } from './spread';
import { webSeedFileUrl, type WebSeedTorrent } from '../../codec/web-seeds';

export { MAX_REQUEST_BYTES, MIN_REQUEST_BYTES } from './spread';
/** Requests in flight to one seed, besides those for a player (MAX_WINDOW_REQUESTS). */
export const MAX_REQUESTS_PER_SEED = 2;
/** Requests for the pieces a player needs, in flight to one seed on top of the others: a player's read is never
 * queued behind runs elsewhere in the file. */
export const MAX_WINDOW_REQUESTS = 2;
/** With this many wanted pieces left, the endgame, a seed may bring any of them. */
export const ENDGAME_PIECES = 4;
/** Bytes of pieces handed on and not yet stored (being checked or written) beyond which no run starts: a seed on a
 * fast link sends faster than a busy tab checks and stores, and what it sent meanwhile waits in memory. With the
 * requests in flight (MAX_REQUESTS_PER_SEED of at most MAX_REQUEST_BYTES, and the player's) this bounds a seed's
 * pieces held in memory; a player's requests are never held back. */
export const MAX_UNSETTLED_BYTES = 64 * 1024 * 1024;

/** What the scheduler needs of the session around it. */
export interface SchedulerPorts {
  /** Claims pieces for the seed in the picker; returns those no peer had asked for (the seed fetches them). */
  claim(key: string, pieces: readonly number[], now: number): ReadonlySet<number>;
  /** Gives the picker's requests of the seed for these pieces back to the pool. */
  release(key: string, pieces: ReadonlySet<number>): void;
  /** Connected peers that have the piece. */
  peerAvailability(index: number): number;
  /** Is the piece still needed (missing, wanted, not being checked or stored)? */
  needs(index: number): boolean;
  /** The pieces a player needs, earliest deadline first: its window and its streams' reads (empty when nothing
   * plays). */
  window(): readonly number[];
  /** The pieces fetched before the rest (a playable file's start and end), in their order. */
  early(): readonly number[];
  /** A player waits for a piece due soon that is not in hand. */
  waiting(now: number): boolean;
  /** Wanted pieces still missing. */
  missing(): number;
  /** Pieces handed on and not yet stored: being checked, or written. */
  unsettled(): number;
  /** A buffer for a piece of `size` bytes, whatever it holds (PieceAssembly zeroes what the seed does not send). */
  buffer(size: number): Uint8Array;
  /** Every byte the seed sends for the piece is in: check it and store it. */
  piece(seed: SeedState, index: number, data: Uint8Array): void;
  act(action: EngineAction): void;
  /** Uniform in [0, 1): where this session starts asking (spread.ts). */
  random(): number;
}

/** The torrent, as the scheduler sees it. */
export interface SeedTorrent extends SeedGeometry, WebSeedTorrent {
  pieceCount: number;
}

interface SeedRequest {
  id: number;
  seed: SeedState;
  file: number;
  /** The next byte expected, in the file. */
  at: number;
  end: number;
  /** The bytes of its pieces, in the file: a whole-file answer also carries bytes of pieces other requests bring,
   * which must not count towards theirs. */
  from: number;
  to: number;
  pieces: number[];
  /** Asked for the playback window: a seek away from it aborts it. */
  forWindow: boolean;
  /** Holds one of the MAX_WINDOW_REQUESTS slots. */
  windowSlot: boolean;
}

/** What one pump looks for: in which slots, in the endgame or not, and the pieces it asked for already. */
interface RunPick {
  windowSlot: boolean;
  endgame: boolean;
  tried: Set<number>;
}

export class WebSeedScheduler {
  readonly seeds: SeedState[];
  private readonly requests = new Map<number, SeedRequest>();
  /** Pieces some request is bringing. */
  private readonly inFlight = new Set<number>();
  private readonly assembly: PieceAssembly;
  private nextId = 1;
  /** Bytes received from every seed. */
  private spent = 0;
  /** The piece this session's search for pieces no peer has starts at (spread.ts). */
  private readonly origin: number;
  /** The last pump started no run because too many pieces were unsettled (MAX_UNSETTLED_BYTES). */
  private heldBack = false;

  constructor(
    private readonly torrent: SeedTorrent,
    urls: readonly string[],
    private budget: number | undefined,
    private readonly ports: SchedulerPorts,
  ) {
    this.seeds = urls.map((url, i) => new SeedState(url, `webseed:${i}`));
    this.assembly = new PieceAssembly(
      torrent,
      (index) => pieceSpanLength(torrent, index),
      (size) => ports.buffer(size),
    );
    this.origin = startPiece(() => ports.random(), torrent.pieceCount);
  }

  /** A new budget: the requests it no longer covers stop, the latest first (their pieces go back to the picker). */
  setBudget(bytes: number | undefined): void {
    this.budget = bytes;
    const latestFirst = [...this.requests.values()].reverse();
    for (const request of latestFirst) if (this.room < 0) this.abort(request);
  }

  /** The budget is set and what is left of it is less than a piece: the rest comes from peers. */
  get budgetSpent(): boolean {
    return this.budget !== undefined && this.budget - this.spent < this.torrent.pieceLength;
  }

  /** Bytes the seeds may still be asked for. */
  private get room(): number {
    if (this.budget === undefined) return Infinity;
    let committed = 0;
    for (const request of this.requests.values()) committed += request.end - request.at;
    return this.budget - this.spent - committed;
  }

  /** Asks each seed for what it should bring: what a player needs first, in MAX_WINDOW_REQUESTS requests of its
   * own, then (unless a player waits) the rest in up to MAX_REQUESTS_PER_SEED. */
  pump(now: number): void {
    const window = this.ports.window();
    const endgame = this.ports.missing() <= ENDGAME_PIECES;
    // While a player waits, runs elsewhere stop and none start: their bytes would go through the same checks and
    // writes as the player's, ahead of them.
    const waiting = window.length > 0 && this.ports.waiting(now);
    this.heldBack = this.ports.unsettled() * this.torrent.pieceLength >= MAX_UNSETTLED_BYTES;
    for (const seed of this.seeds) {
      if (waiting)
        this.abortWhere((request) => request.seed === seed && !request.windowSlot && !request.forWindow);
      else this.unblockWindow(seed, window);
      const tried = new Set<number>();
      this.fill(seed, window, { endgame, tried, windowSlot: true }, now);
      if (!waiting && !this.heldBack) this.fill(seed, window, { endgame, tried, windowSlot: false }, now);
    }
  }

  /** A piece was stored: runs held back by the unsettled pieces start as soon as there is room. */
  settled(now: number): void {
    if (this.heldBack) this.pump(now);
  }

  /** Asks the seed for runs until its slots of this kind are taken or nothing is left to ask for. */
  private fill(seed: SeedState, window: readonly number[], pick: RunPick, now: number): void {
    const slots = pick.windowSlot ? MAX_WINDOW_REQUESTS : MAX_REQUESTS_PER_SEED;
    while (this.requestsOf(seed, pick.windowSlot) < slots) {
      const run = this.nextRun(seed, window, pick, now);
      if (run.length === 0) break;
      for (const index of run) pick.tried.add(index);
      const granted = this.ports.claim(seed.key, run, now);
      const forWindow = window.includes(run[0]);
      for (const part of contiguous(run.filter((index) => granted.has(index))))
        this.ask(seed, part, { forWindow, windowSlot: pick.windowSlot }, now);
    }
  }

  /** A run elsewhere that holds a piece a player needs, behind a piece or more of its own, stops while a slot for
   * the player is free: the player's piece is asked for at once in a request of its own, and the rest of the run
   * again after it. A run that began at a piece the player needs is never stopped so (it would be asked again). */
  private unblockWindow(seed: SeedState, window: readonly number[]): void {
    if (window.length === 0 || this.requestsOf(seed, true) >= MAX_WINDOW_REQUESTS) return;
    const needed = new Set(window);
    const { pieceLength } = this.torrent;
    this.abortWhere((request) => {
      if (request.seed !== seed || request.windowSlot || request.forWindow) return false;
      const next = Math.floor((this.torrent.files[request.file].offset + request.at) / pieceLength);
      return request.pieces.some((index) => index > next && needed.has(index) && this.assembly.has(index));
    });
  }

  private requestsOf(seed: SeedState, windowSlot: boolean): number {
    let count = 0;
    for (const request of this.requests.values())
      if (request.seed === seed && request.windowSlot === windowSlot) count++;
    return count;
  }

  /** May this seed bring piece `index` now? */
  private eligible(seed: SeedState, index: number, tried: ReadonlySet<number>, now: number): boolean {
    if (this.inFlight.has(index) || tried.has(index) || !this.ports.needs(index)) return false;
    return seed.serves(filesOfPiece(this.torrent, index), now);
  }

  /** The next pieces to ask this seed for, contiguous, within MAX_REQUEST_BYTES and the budget. */
  private nextRun(seed: SeedState, window: readonly number[], pick: RunPick, now: number): number[] {
    const { endgame, tried } = pick;
    const inWindow = new Set(window);
    const wanted = (index: number): boolean =>
      (inWindow.has(index) || endgame || this.ports.peerAvailability(index) === 0) &&
      this.eligible(seed, index, tried, now);
    const inWindowFirst = window.find(wanted);
    if (pick.windowSlot && inWindowFirst === undefined) return [];
    // A playable file's start and end come before the random start: a player that starts soon reads them first.
    const first = inWindowFirst ?? this.ports.early().find(wanted) ?? this.firstNoPeerHas(wanted);
    if (first === undefined) return [];
    const step =
      inWindowFirst === undefined ? budgetStepBytes(this.budget, this.torrent.pieceLength) : Infinity;
    const limit = Math.min(requestLimit(seed.downloaded, now - (seed.firstAskedAt ?? now)), this.room, step);
    const run: number[] = [];
    let bytes = 0;
    // A request for the playback window goes on past the window's end with the pieces after it that are still
    // needed, until it holds MIN_REQUEST_BYTES: a player reads on, and one larger request costs the server less.
    const takes = (index: number): boolean =>
      wanted(index) ||
      (inWindowFirst !== undefined && bytes < MIN_REQUEST_BYTES && this.eligible(seed, index, tried, now));
    for (let index = first; index < this.torrent.pieceCount && takes(index); index++) {
      const size = pieceSpanLength(this.torrent, index);
      if (bytes + size > limit) break;
      bytes += size;
      run.push(index);
    }
    return run;
  }

  /** Where the search for pieces no peer has starts: on a budget, drawn among them (budget-start.ts). */
  private firstNoPeerHas(wanted: (index: number) => boolean): number | undefined {
    const count = this.torrent.pieceCount;
    if (this.budget === undefined) return firstFrom(this.origin, count, wanted);
    return budgetStart(count, wanted, () => this.ports.random());
  }

  /** Asks the seed for pieces first..last, one request per file with bytes in them. */
  private ask(
    seed: SeedState,
    pieces: number[],
    kind: Pick<SeedRequest, 'forWindow' | 'windowSlot'>,
    now: number,
  ): void {
    const { torrent } = this;
    seed.firstAskedAt ??= now;
    const { from, to } = pieceSpan(torrent, pieces[0], pieces[pieces.length - 1]);
    for (const index of pieces) {
      this.inFlight.add(index);
      this.assembly.open(index);
    }
    for (const range of byteRanges(torrent, from, to)) {
      const entry = torrent.files[range.file];
      const whole = seed.whole.has(range.file);
      const start = whole ? 0 : range.start;
      const end = whole ? entry.length : range.end;
      const first = Math.floor((entry.offset + range.start) / torrent.pieceLength);
      const last = Math.floor((entry.offset + range.end - 1) / torrent.pieceLength);
      const id = this.nextId++;
      const covered = pieces.filter((index) => index >= first && index <= last);
      const bytes = { at: start, end, from: range.start, to: range.end };
      this.requests.set(id, { id, seed, file: range.file, ...bytes, pieces: covered, ...kind });
      const url = webSeedFileUrl(seed.url, torrent, entry.path);
      const fetch = { type: 'webseed-fetch' as const, request: id, seed: seed.url, url, file: range.file };
      this.ports.act({ ...fetch, start, end, ...(whole ? { whole } : {}) });
    }
  }

  /** Bytes of a request's answer, in order. */
  data(id: number, data: Uint8Array, now: number): void {
    const request = this.requests.get(id);
    if (!request) return;
    if (request.at + data.length > request.end) {
      this.abort(request);
      request.seed.failedOnce('the server sent more than asked', now);
      return;
    }
    const entry = this.torrent.files[request.file];
    const from = Math.max(request.at, request.from);
    const to = Math.min(request.at + data.length, request.to);
    const done =
      to > from
        ? this.assembly.write(entry.offset + from, data.subarray(from - request.at, to - request.at))
        : [];
    request.at += data.length;
    this.spent += data.length;
    request.seed.downloaded += data.length;
    for (const piece of done) {
      this.inFlight.delete(piece.index);
      this.ports.piece(request.seed, piece.index, piece.data);
    }
  }

  /** A request's answer ended: short of what was asked, it failed. */
  end(id: number, now: number): void {
    const request = this.requests.get(id);
    if (!request) return;
    this.finish(request);
    if (request.at < request.end) request.seed.failedOnce('the server sent less than asked', now);
    else request.seed.succeeded(0);
    this.pump(now);
  }

  /** A request failed: what it says of the seed and its file (see the module's comment). */
  failed(id: number, failure: WebSeedFailure, now: number): void {
    const request = this.requests.get(id);
    if (!request) return;
    this.finish(request);
    const { seed, file } = request;
    const { status } = failure;
    if (failure.blocked) seed.failure = failure.reason;
    else if (failure.dropFile) seed.drop(file, failure.reason);
    else if (status === 404 || status === 410) seed.drop(file, `not on the server (${status})`);
    else if (status === 429 || status === 503) seed.backOff(failure.retryAfterMs, now);
    else if (status === 200) seed.noRanges(file, this.torrent.files[file].length);
    else seed.failedOnce(failure.reason, now);
    if (failure.blocked) this.abortWhere((other) => other.seed === seed);
    this.pump(now);
  }

  /** A piece a seed sent failed its check: the seed no longer serves that piece's files. */
  pieceBad(seed: SeedState, index: number): void {
    for (const file of filesOfPiece(this.torrent, index))
      seed.drop(file, 'its bytes differ from the torrent');
  }

  /** The playback window moved (a seek): requests made for the old window that hold none of the new one stop. */
  windowMoved(): void {
    const window = new Set(this.ports.window());
    this.abortWhere((request) => request.forWindow && !request.pieces.some((index) => window.has(index)));
  }

  /** Stops every request (pause, stop). */
  abortAll(): void {
    this.abortWhere(() => true);
  }

  private abortWhere(which: (request: SeedRequest) => boolean): void {
    for (const request of [...this.requests.values()]) if (which(request)) this.abort(request);
  }

  private abort(request: SeedRequest): void {
    this.finish(request);
    this.ports.act({ type: 'webseed-abort', request: request.id });
  }

  /** Forgets a request; the pieces it was still bringing are dropped and given back to the picker. */
  private finish(request: SeedRequest): void {
    this.requests.delete(request.id);
    const unfinished = new Set(request.pieces.filter((index) => this.assembly.has(index)));
    for (const index of unfinished) {
      this.assembly.drop(index);
      this.inFlight.delete(index);
    }
    if (unfinished.size > 0) this.ports.release(request.seed.key, unfinished);
  }

  stats(now: number): WebSeedStats[] {
    return this.seeds.map((seed) => {
      const fetching = [...this.requests.values()].some((request) => request.seed === seed);
      const stats: WebSeedStats = {
        url: seed.url,
        status: seed.status(fetching, now),
        downloaded: seed.downloaded,
        droppedFiles: [...seed.dropped].map(([file, reason]) => ({ file, reason })),
      };
      if (seed.failure !== undefined) stats.failure = seed.failure;
      return stats;
    });
  }
}

/** The length of piece `index` (the last may be shorter). */
function pieceSpanLength(torrent: SeedGeometry, index: number): number {
  const { from, to } = pieceSpan(torrent, index, index);
  return to - from;
}

/** Ascending indices cut into runs of consecutive ones. */
function contiguous(indices: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const index of indices) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === index - 1) last.push(index);
    else runs.push([index]);
  }
  return runs;
}
