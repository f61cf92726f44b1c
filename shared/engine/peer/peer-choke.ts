// Choking and interest between us and one peer, apart from our interest in it (the downloader's, peer-download.ts):
// whether we choke it and since when it is unchoked, whether it holds a start-up spread slot (both written by the
// choke rounds, choke-rounds.ts), and what it told us of its own choke and interest (written as its messages come).
export class PeerChoke {
  private _amChoking = true;
  private _lastUnchokedAt: number | undefined;
  private _spread = false;
  private _peerChoking = true;
  private _peerInterested = false;

  get amChoking(): boolean {
    return this._amChoking;
  }

  get lastUnchokedAt(): number | undefined {
    return this._lastUnchokedAt;
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
    if (!choke) this._lastUnchokedAt = now;
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

  /** Its `interested` or `not-interested`; false when that is no change. */
  setPeerInterested(interested: boolean): boolean {
    if (this._peerInterested === interested) return false;
    this._peerInterested = interested;
    return true;
  }
}
