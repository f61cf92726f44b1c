// One verified piece read by the service worker from the torrent's origin-private piece file, which the engine
// worker keeps writing through its synchronous handle. A `File` from `getFile()` is a snapshot: Chromium refuses to
// read it (NotReadableError) once the file was written after the snapshot was taken, which happens all the time
// while pieces arrive fast (a piece a few milliseconds). The read then takes a fresh snapshot and tries again: the
// piece itself was flushed before its bit was set and does not change, only the snapshot's date went stale.

/** Where the piece sits in the file: the info's piece length and total length. */
export interface PieceFileLayout {
  pieceLength: number;
  length: number;
}

export interface PieceFileReadOptions {
  /** Snapshots tried before the read gives up (default 40). */
  attempts?: number;
  /** Resolves after a moment, before the next snapshot (the first few retries go at once). */
  pause?: () => Promise<void>;
}

/** Snapshots retried at once before the read pauses between them. */
const IMMEDIATE_RETRIES = 4;
const PAUSE_MS = 10;

/** A read of a snapshot of a file written since: worth another snapshot. */
export function isStaleSnapshot(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'NotReadableError';
}

/**
 * Pieces `first` to `first + count - 1` (the last of the torrent may be short) from the file `snapshot()` opens
 * afresh (a FileSystemFileHandle's `getFile()`), in one read: a slice of a new snapshot for each attempt, as long as
 * the file changed under the last one. Throws when the file is shorter than the pieces (their bytes are not there)
 * or keeps changing through every attempt.
 */
export async function readFilePieces(
  snapshot: () => Promise<Blob>,
  layout: PieceFileLayout,
  first: number,
  count: number,
  options: PieceFileReadOptions = {},
): Promise<ArrayBuffer> {
  const start = first * layout.pieceLength;
  const end = Math.min(layout.length, start + count * layout.pieceLength);
  const attempts = Math.max(1, options.attempts ?? 40);
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, PAUSE_MS)));
  for (let attempt = 1; ; attempt++) {
    let bytes: ArrayBuffer;
    try {
      bytes = await (await snapshot()).slice(start, end).arrayBuffer();
    } catch (error) {
      if (!isStaleSnapshot(error) || attempt >= attempts) throw error;
      if (attempt > IMMEDIATE_RETRIES) await pause();
      continue;
    }
    if (bytes.byteLength !== end - start || end <= start)
      throw new Error(
        count === 1
          ? `piece ${first} is missing from its file`
          : `pieces ${first} to ${first + count - 1} are missing from their file`,
      );
    return bytes;
  }
}

/** Bytes of verified pieces read from the file at once by a stream (see PieceRuns). */
export const RUN_BYTES = 1024 * 1024;

/**
 * A stream's reads of verified pieces, a run at a time: the piece asked for and the verified pieces after it that
 * the stream reads next (through `last`, within RUN_BYTES) come from one snapshot in one read, and are kept until
 * the stream asks for them. A player starting reads a megabyte or more of pieces in a row, and each read of the file
 * alone cost milliseconds (a snapshot, and another whenever the engine wrote to the file meanwhile). Only verified
 * pieces are kept, and a verified piece never changes: what is kept is never stale. Holds one run at most.
 */
export class PieceRuns {
  private run: { first: number; count: number; bytes: ArrayBuffer } | undefined;

  constructor(
    private readonly snapshot: () => Promise<Blob>,
    private readonly layout: PieceFileLayout,
    private readonly options: PieceFileReadOptions = {},
  ) {}

  /** Piece `index` if the last run read it, without a read. */
  kept(index: number): ArrayBuffer | undefined {
    const run = this.run;
    if (!run || index < run.first || index >= run.first + run.count) return undefined;
    const { pieceLength } = this.layout;
    const from = (index - run.first) * pieceLength;
    return run.bytes.slice(from, Math.min(run.bytes.byteLength, from + pieceLength));
  }

  /** Verified piece `index`, read with the verified pieces after it through `last` (`verified`: the map now). */
  async read(index: number, last: number, verified: { has(index: number): boolean }): Promise<ArrayBuffer> {
    const kept = this.kept(index);
    if (kept) return kept;
    const most = Math.max(1, Math.floor(RUN_BYTES / this.layout.pieceLength));
    let count = 1;
    while (count < most && index + count <= last && verified.has(index + count)) count++;
    const bytes = await readFilePieces(this.snapshot, this.layout, index, count, this.options);
    this.run = { first: index, count, bytes };
    return this.kept(index)!;
  }
}
