// What a peer says it has before we know the torrent's size (magnet start): kept as it comes, and handed to the
// picker once the info is known (the downloader's `applyPending`).

/** Most `have` messages we buffer before the info is known (more cannot be valid for any torrent we accept). */
export const MAX_PENDING_HAVES = 1 << 20;

/** What a peer said it had while the info was unknown. */
export interface PendingPieces {
  bitfield?: Uint8Array;
  all: boolean;
  haves: ReadonlySet<number>;
}

export class PendingHas {
  private _bitfield: Uint8Array | undefined;
  private all = false;
  private haves = new Set<number>();

  /** Its `have`; false when it has said too many (the connection is closed). */
  have(index: number): boolean {
    if (this.haves.size >= MAX_PENDING_HAVES) return false;
    this.haves.add(index);
    return true;
  }

  /** Its `bitfield` (a copy is kept); false when it is larger than any torrent we accept. */
  bitfield(bytes: Uint8Array): boolean {
    if (bytes.length > MAX_PENDING_HAVES / 8) return false;
    this._bitfield = bytes.slice();
    return true;
  }

  /** Its `have-all`. */
  haveAll(): void {
    this.all = true;
  }

  /** Everything it said so far, forgotten here. */
  take(): PendingPieces {
    const taken: PendingPieces = { all: this.all, haves: this.haves };
    if (this._bitfield) taken.bitfield = this._bitfield;
    this._bitfield = undefined;
    this.all = false;
    this.haves = new Set();
    return taken;
  }
}
