// Publishing files: builds the info dictionary with createInfo, reading each file piece by piece (File.slice,
// never a whole file), and hands every piece to `storePiece` as soon as its bytes have been read, so the seeder
// serves from storage like any other torrent and keeps seeding after a reload.
import {
  choosePieceLength,
  createInfo,
  type Sha1,
  type SourceFile,
  type TorrentInfo,
} from '../../../shared/metainfo';

export interface ShareFile {
  file: Blob;
  /** Path inside the torrent (for a single file: [name]). */
  path: string[];
}

export class ShareError extends Error {
  override name = 'ShareError';
}

export interface ShareOptions {
  name: string;
  sha1: Sha1;
  /** Stores a piece; its promise settles when stored (a rejection aborts the share). */
  storePiece: (index: number, data: ArrayBuffer) => Promise<void>;
  onProgress?: (hashed: number, total: number) => void;
  /** Checked before each read: true aborts the share. */
  cancelled?: () => boolean;
  pieceLength?: number;
  /** Pieces waiting to be stored before reading pauses (bounds memory; default 32). */
  maxPendingStores?: number;
}

export function totalSize(files: ShareFile[]): number {
  return files.reduce((sum, entry) => sum + entry.file.size, 0);
}

interface PartialPiece {
  bytes: Uint8Array;
  filled: number;
}

/** Hashes and stores `files`; resolves with the info once every piece is stored. */
export async function shareFiles(files: ShareFile[], options: ShareOptions): Promise<TorrentInfo> {
  const total = totalSize(files);
  if (files.length === 0 || total === 0) throw new ShareError('The files hold no data');
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  const maxPending = options.maxPendingStores ?? 32;

  // Each file's offset in the concatenated data, in the order given (the order of the info's `files`).
  const starts: number[] = [];
  let offset = 0;
  for (const entry of files) {
    starts.push(offset);
    offset += entry.file.size;
  }

  const partial = new Map<number, PartialPiece>();
  const pending: Array<Promise<void>> = [];
  let failure: unknown;
  let stored = 0;

  const store = async (index: number, data: ArrayBuffer): Promise<void> => {
    const write = options.storePiece(index, data).then(
      () => {
        stored++;
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    pending.push(write);
    while (pending.length > maxPending) await pending.shift();
    if (failure !== undefined) throw failure;
  };

  const collect = async (position: number, bytes: Uint8Array): Promise<void> => {
    let done = 0;
    while (done < bytes.length) {
      const at = position + done;
      const index = Math.floor(at / pieceLength);
      const pieceStart = index * pieceLength;
      const size = Math.min(pieceLength, total - pieceStart);
      let piece = partial.get(index);
      if (
        !piece &&
        done === 0 &&
        at === pieceStart &&
        bytes.length === size &&
        bytes.byteLength === bytes.buffer.byteLength
      ) {
        // A read of exactly one whole piece (the usual case): stored as it is, no copy.
        await store(index, bytes.buffer as ArrayBuffer);
        done += size;
        continue;
      }
      if (!piece) {
        piece = { bytes: new Uint8Array(size), filled: 0 };
        partial.set(index, piece);
      }
      const n = Math.min(bytes.length - done, pieceStart + size - at);
      piece.bytes.set(bytes.subarray(done, done + n), at - pieceStart);
      piece.filled += n;
      done += n;
      if (piece.filled >= size) {
        partial.delete(index);
        await store(index, piece.bytes.buffer as ArrayBuffer);
      }
    }
  };

  const sources: SourceFile[] = files.map((entry, k) => ({
    path: entry.path,
    length: entry.file.size,
    read: async (at: number, length: number) => {
      if (failure !== undefined) throw failure;
      if (options.cancelled?.()) throw new ShareError('The share was cancelled');
      const bytes = new Uint8Array(await entry.file.slice(at, at + length).arrayBuffer());
      await collect(starts[k] + at, bytes);
      return bytes;
    },
  }));

  const info = await createInfo(sources, {
    name: options.name,
    sha1: options.sha1,
    pieceLength,
    onProgress: options.onProgress,
  });
  await Promise.all(pending);
  if (failure !== undefined) throw failure;

  // The pieces were assembled in the order given; the info must lay the files out the same way.
  const sameLayout =
    info.files.length === files.length &&
    info.files.every((file, k) => file.offset === starts[k] && file.length === files[k].file.size);
  if (!sameLayout || partial.size > 0 || stored !== info.pieceCount) {
    throw new ShareError('internal error: the stored pieces do not match the torrent layout');
  }
  return info;
}
