import { describe, expect, it } from 'vitest';
import { isStaleSnapshot, PieceRuns, readFilePieces, RUN_BYTES } from './piece-file-read';

const layout = { pieceLength: 4, length: 10 };
const bytes = Uint8Array.from({ length: 10 }, (_, i) => 100 + i);

/** A DOMException as Chromium throws it for a File read after its file changed. */
const stale = () =>
  new DOMException(
    'The requested file could not be read, typically due to permission problems that have occurred after a reference to a file was acquired.',
    'NotReadableError',
  );

/**
 * A piece file the engine writes to while it is read, as in the browser: each snapshot's read fails while writes
 * land after it was taken (the first `staleReads` reads), then reads the bytes. Counts the snapshots taken.
 */
function writtenFile(staleReads: number, content: Uint8Array<ArrayBuffer> = bytes) {
  let snapshots = 0;
  let reads = 0;
  const snapshot = async (): Promise<Blob> => {
    snapshots++;
    const blob = new Blob([content]);
    return {
      slice: (start?: number, end?: number) => {
        const part = blob.slice(start, end);
        return {
          arrayBuffer: async () => {
            if (reads++ < staleReads) throw stale();
            return part.arrayBuffer();
          },
        } as Blob;
      },
    } as Blob;
  };
  return { snapshot, snapshots: () => snapshots };
}

describe('readFilePieces', () => {
  it('reads a piece, the last one short', async () => {
    const file = writtenFile(0);
    expect([...new Uint8Array(await readFilePieces(file.snapshot, layout, 1, 1))]).toEqual([
      104, 105, 106, 107,
    ]);
    expect([...new Uint8Array(await readFilePieces(file.snapshot, layout, 2, 1))]).toEqual([108, 109]);
  });

  it('takes a fresh snapshot while the file changes under the last one (pieces arriving fast)', async () => {
    const file = writtenFile(7);
    let pauses = 0;
    const piece = await readFilePieces(file.snapshot, layout, 0, 1, { pause: async () => void pauses++ });
    expect([...new Uint8Array(piece)]).toEqual([100, 101, 102, 103]);
    expect(file.snapshots()).toBe(8);
    // The first few again at once, then with a pause between them.
    expect(pauses).toBe(3);
  });

  it('gives up when the file keeps changing through every attempt', async () => {
    const file = writtenFile(Infinity);
    await expect(
      readFilePieces(file.snapshot, layout, 0, 1, { attempts: 5, pause: async () => {} }),
    ).rejects.toThrow(/could not be read/);
    expect(file.snapshots()).toBe(5);
  });

  it('does not retry other failures: a file shorter than the piece, or one that is gone', async () => {
    const short = writtenFile(0, bytes.slice(0, 6));
    await expect(readFilePieces(short.snapshot, layout, 1, 1)).rejects.toThrow(
      'piece 1 is missing from its file',
    );
    let snapshots = 0;
    const gone = async (): Promise<Blob> => {
      snapshots++;
      throw new DOMException('A requested file or directory could not be found.', 'NotFoundError');
    };
    await expect(readFilePieces(gone, layout, 0, 1)).rejects.toThrow(/could not be found/);
    expect(snapshots).toBe(1);
  });

  it('knows a stale snapshot by its name', () => {
    expect(isStaleSnapshot(stale())).toBe(true);
    expect(isStaleSnapshot(new Error('other'))).toBe(false);
    expect(isStaleSnapshot(undefined)).toBe(false);
  });
});

describe('PieceRuns (a stream reading verified pieces in runs)', () => {
  // 64 KiB pieces: a run holds RUN_BYTES / 64 KiB of them.
  const pieceLength = 64 * 1024;
  const perRun = RUN_BYTES / pieceLength;
  const content = Uint8Array.from({ length: 40 * pieceLength + 100 }, (_, i) => (i * 7) % 251);
  const big = { pieceLength, length: content.length };
  const piece = (index: number) => [...content.subarray(index * pieceLength, (index + 1) * pieceLength)];
  const all = { has: () => true };

  it('reads the verified pieces after the one asked for in the same read, and gives them without another', async () => {
    const file = writtenFile(0, content);
    const runs = new PieceRuns(file.snapshot, big);
    expect([...new Uint8Array(await runs.read(3, 39, all))]).toEqual(piece(3));
    for (let index = 4; index < 3 + perRun; index++)
      expect([...new Uint8Array(await runs.read(index, 39, all))]).toEqual(piece(index));
    expect(file.snapshots()).toBe(1);
    // The next piece past the run is a new read.
    expect([...new Uint8Array(await runs.read(3 + perRun, 39, all))]).toEqual(piece(3 + perRun));
    expect(file.snapshots()).toBe(2);
    // The last piece of the torrent is short.
    expect(new Uint8Array(await runs.read(40, 40, all)).length).toBe(100);
  });

  it('stops a run at the first piece not verified and at the last piece the stream reads', async () => {
    const file = writtenFile(0, content);
    const runs = new PieceRuns(file.snapshot, big);
    await runs.read(0, 39, { has: (index) => index !== 2 });
    expect(runs.kept(1)).toBeDefined();
    expect(runs.kept(2)).toBeUndefined();
    await runs.read(10, 11, all);
    expect(runs.kept(11)).toBeDefined();
    expect(runs.kept(12)).toBeUndefined();
    // One run is kept at a time.
    expect(runs.kept(0)).toBeUndefined();
  });
});
