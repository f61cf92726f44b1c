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
 * Piece `index` from the file `snapshot()` opens afresh (a FileSystemFileHandle's `getFile()`): a slice of a new
 * snapshot for each attempt, as long as the file changed under the last one. Throws when the file is shorter than
 * the piece (its bytes are not there) or keeps changing through every attempt.
 */
export async function readFilePiece(
  snapshot: () => Promise<Blob>,
  layout: PieceFileLayout,
  index: number,
  options: PieceFileReadOptions = {},
): Promise<ArrayBuffer> {
  const start = index * layout.pieceLength;
  const end = Math.min(layout.length, start + layout.pieceLength);
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
    if (bytes.byteLength !== end - start) throw new Error(`piece ${index} is missing from its file`);
    return bytes;
  }
}
