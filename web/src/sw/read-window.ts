// Which pieces a stream of the service worker asks the engine for, ahead of the piece it needs: a player's window,
// or only a few pieces while the read is a probe of a header (see PROBE_BYTES). One per stream.

/** Pieces asked for ahead of the one a stream needs: a player's window, at least WANT_AHEAD pieces and
 * WANT_AHEAD_BYTES (a player probing a file before it knows its duration reads megabytes in a row: an MP4's first
 * fragment, a WebM's first clusters). 1 MiB was too short a window: a player starting a 12 Mbit/s video read past it
 * in a fraction of a second, and each piece after it was asked only when the player reached it (about 70 ms each
 * from a seeder without a limit, while WebTorrent's stream had them on their way). The engine keeps 64 of a wish. */
export const WANT_AHEAD = 8;
export const WANT_AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * A read that starts mid-file is a probe until it shows it is a real read: a player reads headers across a file
 * before its first frame and drops each request after a few bytes (every fragment's `moof` of a fragmented MP4, one
 * read each; an index at the end). A probe asks for the pieces of its next PROBE_BYTES only and adds them to the
 * earlier wishes: it neither replaces nor cancels what the player needs to start. It turns into a seek (its window,
 * replacing the earlier wishes) once it is still read PROBE_MS after its first bytes went out. A range of at most
 * PROBE_BYTES is a probe to its end.
 */
export const PROBE_BYTES = 64 * 1024;
export const PROBE_MS = 500;
/** A mid-file read that has taken this much is a real read at once, however young (a player that read an MP4's
 * `moov` at the end and comes back to play: the pieces it finds stored go out at once, and the first one missing
 * must bring the window, not one probe's piece at a time). */
export const PROBE_READ_ON_BYTES = 4 * PROBE_BYTES;

export interface ReadRange {
  /** The range's first and last byte in the file. */
  start: number;
  end: number;
  /** The last piece the range reads: no wish goes past it. */
  lastPiece: number;
  pieceLength: number;
}

export class ReadWindow {
  /** A mid-file read that has not asked for its window yet. */
  private probing: boolean;
  private readonly smallRange: boolean;
  /** When the stream's first bytes went out. */
  private firstOutAt: number | undefined;
  /** Bytes the reader has taken. */
  private taken = 0;

  constructor(
    private readonly range: ReadRange,
    private readonly want: (indices: number[], seek: boolean) => void,
    private readonly now: () => number,
  ) {
    this.probing = range.start > 0;
    this.smallRange = range.end - range.start + 1 <= PROBE_BYTES;
  }

  /** The last piece of the range. */
  get lastPiece(): number {
    return this.range.lastPiece;
  }

  /** The stream's first bytes went out now (later calls change nothing). */
  sent(): void {
    this.firstOutAt ??= this.now();
  }

  /** The reader has taken `bytes` of the stream in all. */
  took(bytes: number): void {
    this.taken = bytes;
  }

  /** Still a probe: a small range, or a mid-file read not yet read on for PROBE_MS nor for PROBE_READ_ON_BYTES. */
  isProbe(): boolean {
    return (
      this.probing &&
      (this.smallRange ||
        ((this.firstOutAt === undefined || this.now() - this.firstOutAt < PROBE_MS) &&
          this.taken < PROBE_READ_ON_BYTES))
    );
  }

  /** A probe that has been read on long enough: its window is due, as a seek. */
  readOn(): boolean {
    return this.probing && !this.isProbe();
  }

  /** Asks for `index` and what comes after it: a probe's next PROBE_BYTES, or else the window. The window stops at
   * the range's end: an index read at the end of the file (an MP4's `moov`, a WebM's cues) asks for its own pieces
   * only, not for those of the next file. The first window of a mid-file read is a seek. */
  wish(index: number): void {
    const { pieceLength, lastPiece } = this.range;
    const probe = this.isProbe();
    const count = probe
      ? Math.ceil(PROBE_BYTES / pieceLength)
      : 1 + Math.max(WANT_AHEAD, Math.ceil(WANT_AHEAD_BYTES / pieceLength));
    const ahead = [];
    for (let i = index; i < Math.min(lastPiece + 1, index + count); i++) ahead.push(i);
    this.want(ahead, !probe && this.probing);
    if (!probe) this.probing = false;
  }
}
