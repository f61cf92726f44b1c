// Choking and interest between us and one peer, apart from our interest in it (the downloader's, peer-download.ts):
// whether we choke it and since when it is unchoked or choked, whether it holds a start-up spread slot (both written by
// the choke rounds, choke-rounds.ts), how long its slot took to bring its first request and when it last asked (the
// uploader's), and what it told us of its own choke and interest (written as its messages come).
export class PeerChoke {
  private _amChoking = true;
  private _lastUnchokedAt: number | undefined;
  private _spread = false;
  private _slotCostMs: number | undefined;
  private askedSinceUnchoke = false;
  private _lastChokedAt: number | undefined;
  private _lastRequestAt: number | undefined;
  private _interestedAt: number | undefined;
  private _peerChoking = true;
  private _peerInterested = false;

  get amChoking(): boolean {
    return this._amChoking;
  }

  get lastUnchokedAt(): number | undefined {
    return this._lastUnchokedAt;
  }

  /** From our unchoke to its first request after it, ms, the longest of its slots so far: our uplink's queue and the
   * path both ways, what a slot given to this peer waits before it carries anything (slot-hold.ts). The longest,
   * because a request already on its way when we unchoke arrives at once and says nothing of the path. Undefined
   * until it asked in a slot. */
  get slotCostMs(): number | undefined {
    return this._slotCostMs;
  }

  /** When we last choked it (undefined: never since we unchoked it first). */
  get lastChokedAt(): number | undefined {
    return this._lastChokedAt;
  }

  /** When it last sent a request we took while unchoked (undefined: never). */
  get lastRequestAt(): number | undefined {
    return this._lastRequestAt;
  }

  /** When it last said `interested`, a repeat included (undefined: never). */
  get interestedAt(): number | undefined {
    return this._interestedAt;
  }

  /** It sent a request we took while unchoked: the first since our unchoke dates the slot's cost. */
  asked(now: number): void {
    if (!this._amChoking) this._lastRequestAt = now;
    if (this.askedSinceUnchoke || this._amChoking || this._lastUnchokedAt === undefined) return;
    this.askedSinceUnchoke = true;
    this._slotCostMs = Math.max(this._slotCostMs ?? 0, now - this._lastUnchokedAt);
  }

  /** It holds a start-up spread slot (spread.ts), outside the choke policy's slots. */
  get spread(): boolean {
    return this._spread;
  }

  get peerChoking(): boolean {
    return this._peerChoking;
  }

  get peerInterested(): boolean {
    return this._peerInterested;
  }

  /** We choke or unchoke it; false when that is no change. An unchoke is dated. */
  setChoking(choke: boolean, now: number): boolean {
    if (this._amChoking === choke) return false;
    this._amChoking = choke;
    if (choke && this._lastUnchokedAt !== undefined) this._lastChokedAt = now;
    if (!choke) {
      this._lastUnchokedAt = now;
      this.askedSinceUnchoke = false;
    }
    return true;
  }

  setSpread(spread: boolean): void {
    this._spread = spread;
  }

  /** It choked or unchoked us (its `choke`/`unchoke`); false when that is no change. */
  setPeerChoking(choking: boolean): boolean {
    if (this._peerChoking === choking) return false;
    this._peerChoking = choking;
    return true;
  }

  /** Its `interested` or `not-interested` (at `now`: a repeated `interested` is dated too); false when that is no
   * change. */
  setPeerInterested(interested: boolean, now?: number): boolean {
    if (interested && now !== undefined) this._interestedAt = now;
    if (this._peerInterested === interested) return false;
    this._peerInterested = interested;
    return true;
  }
}
