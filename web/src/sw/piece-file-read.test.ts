import { describe, expect, it } from 'vitest';
import { isStaleSnapshot, readFilePiece } from './piece-file-read';

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

describe('readFilePiece', () => {
  it('reads a piece, the last one short', async () => {
    const file = writtenFile(0);
    expect([...new Uint8Array(await readFilePiece(file.snapshot, layout, 1))]).toEqual([104, 105, 106, 107]);
    expect([...new Uint8Array(await readFilePiece(file.snapshot, layout, 2))]).toEqual([108, 109]);
  });

  it('takes a fresh snapshot while the file changes under the last one (pieces arriving fast)', async () => {
    const file = writtenFile(7);
    let pauses = 0;
    const piece = await readFilePiece(file.snapshot, layout, 0, { pause: async () => void pauses++ });
    expect([...new Uint8Array(piece)]).toEqual([100, 101, 102, 103]);
    expect(file.snapshots()).toBe(8);
    // The first few again at once, then with a pause between them.
    expect(pauses).toBe(3);
  });

  it('gives up when the file keeps changing through every attempt', async () => {
    const file = writtenFile(Infinity);
    await expect(
      readFilePiece(file.snapshot, layout, 0, { attempts: 5, pause: async () => {} }),
    ).rejects.toThrow(/could not be read/);
    expect(file.snapshots()).toBe(5);
  });

  it('does not retry other failures: a file shorter than the piece, or one that is gone', async () => {
    const short = writtenFile(0, bytes.slice(0, 6));
    await expect(readFilePiece(short.snapshot, layout, 1)).rejects.toThrow(
      'piece 1 is missing from its file',
    );
    let snapshots = 0;
    const gone = async (): Promise<Blob> => {
      snapshots++;
      throw new DOMException('A requested file or directory could not be found.', 'NotFoundError');
    };
    await expect(readFilePiece(gone, layout, 0)).rejects.toThrow(/could not be found/);
    expect(snapshots).toBe(1);
  });

  it('knows a stale snapshot by its name', () => {
    expect(isStaleSnapshot(stale())).toBe(true);
    expect(isStaleSnapshot(new Error('other'))).toBe(false);
    expect(isStaleSnapshot(undefined)).toBe(false);
  });
});
