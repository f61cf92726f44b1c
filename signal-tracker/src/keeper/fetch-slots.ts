// The keeper's fetch slots: how many shares it fetches at once, in all and for one requesting address, and which
// fetches to give up. A fetch whose swarm sends no new verified piece for FETCH_STALL_MS (or never a first one) gives
// its slot back, so shares nobody serves cannot hold the keeper's slots for their whole keep; so does one slower on
// average than FETCH_MIN_BYTES_PER_SECOND, so a sharer trickling a piece a minute cannot hold one for hours.
// Pure: the clock is the caller's.

/** Shares fetched at once: past it a request is refused until one is kept or given up. */
export const MAX_FETCHING = 4;
/** Shares fetched at once for one address: one address cannot take every slot. */
export const MAX_FETCHING_PER_ADDRESS = 2;
/** A fetch with no new verified piece for this long (ms) is given up... */
export const FETCH_STALL_MS = 60_000;
/** ...or, for pieces too large to come that fast, for as long as a piece takes at this rate (bytes a second): a
 * slow but honest sharer is not given up in the middle of a large piece. */
export const FETCH_MIN_BYTES_PER_SECOND = 64 * 1024;

/** How long a fetch of pieces of `pieceLength` may go without a new verified piece, in ms. */
export const stallTime = (pieceLength: number, stallMs = FETCH_STALL_MS): number =>
  Math.max(stallMs, Math.ceil((pieceLength / FETCH_MIN_BYTES_PER_SECOND) * 1000));

interface Fetch {
  address: string;
  /** Verified pieces when last looked at. */
  have: number;
  /** When `have` last grew (or the fetch began). */
  progressAt: number;
  /** How long it may go without a new piece (stallTime). */
  stallMs: number;
  /** When it must be done: its bytes at the least rate, and a stall time. */
  deadline: number;
}

export class FetchSlots {
  private readonly fetches = new Map<string, Fetch>();

  constructor(
    private readonly most = MAX_FETCHING,
    private readonly mostPerAddress = MAX_FETCHING_PER_ADDRESS,
    private readonly stallMs = FETCH_STALL_MS,
  ) {}

  get size(): number {
    return this.fetches.size;
  }

  /** Why a fetch for `address` cannot begin now, in words, or undefined when a slot is free. */
  refusal(address: string): string | undefined {
    let yours = 0;
    for (const fetch of this.fetches.values()) if (fetch.address === address) yours++;
    if (yours >= this.mostPerAddress)
      return `The keeper is already fetching ${yours} shares for your address; try again once one is kept.`;
    if (this.fetches.size >= this.most)
      return 'The keeper is busy fetching other shares; try again in a few minutes.';
    return undefined;
  }

  /** Takes a slot for `infoHash`, of pieces of `pieceLength` and `left` bytes to fetch (unknown: no deadline), from
   * `now` (a resumed fetch takes one even past the bounds: it was taken before). */
  take(infoHash: string, address: string, have: number, now: number, pieceLength = 0, left = Infinity): void {
    const stallMs = stallTime(pieceLength, this.stallMs);
    const deadline = now + stallMs + Math.ceil((left / FETCH_MIN_BYTES_PER_SECOND) * 1000);
    this.fetches.set(infoHash, { address, have, progressAt: now, stallMs, deadline });
  }

  release(infoHash: string): void {
    this.fetches.delete(infoHash);
  }

  /** Notes that `infoHash` has `have` verified pieces at `now`. */
  progress(infoHash: string, have: number, now: number): void {
    const fetch = this.fetches.get(infoHash);
    if (!fetch || have <= fetch.have) return;
    fetch.have = have;
    fetch.progressAt = now;
  }

  /** The fetches with no new verified piece for their stall time by `now`, or past their deadline. */
  stalled(now: number): string[] {
    const stalled: string[] = [];
    for (const [infoHash, fetch] of this.fetches)
      if (now - fetch.progressAt >= fetch.stallMs || now >= fetch.deadline) stalled.push(infoHash);
    return stalled;
  }
}

/** How long (ms) a given-up keep's words are told to a status request. */
export const FAILED_KEPT_MS = 60 * 60_000;
/** Given-up keeps remembered at most: the oldest are forgotten first. */
const MAX_FAILED = 1024;

/** The words of keeps given up lately, by info hash, for the card of the tab that asked (it shows its stop token). */
export class FailedKeeps {
  private readonly failed = new Map<string, { words: string; stopToken: string; until: number }>();

  add(infoHash: string, stopToken: string, words: string, now: number): void {
    this.failed.delete(infoHash);
    this.failed.set(infoHash, { words, stopToken, until: now + FAILED_KEPT_MS });
    for (const oldest of this.failed.keys()) {
      if (this.failed.size <= MAX_FAILED) break;
      this.failed.delete(oldest);
    }
  }

  /** Forgets a keep taken again. */
  forget(infoHash: string): void {
    this.failed.delete(infoHash);
  }

  words(infoHash: string, stopToken: string, now: number): string | undefined {
    const failed = this.failed.get(infoHash);
    if (failed && failed.stopToken === stopToken && failed.until > now) return failed.words;
    return undefined;
  }
}
