// Saving a finished file: a Blob made of one Blob per stored piece slice, fetched a few pieces at a time, so
// no whole-file ArrayBuffer ever exists (the browser keeps Blob parts outside the JavaScript heap).
import type { TorrentInfo } from '../../../../shared/codec/metainfo';

/** Reads stored pieces by index, in order; rejects if one is missing. */
export type ReadPieces = (indices: number[]) => Promise<ArrayBuffer[]>;

/** What a file's pieces are found from: a torrent's info, or a private share's plaintext files over its records. */
export type FileLayout = Pick<TorrentInfo, 'files' | 'pieceLength'>;

/** The pieces that hold bytes of file `fileIndex` (none for an empty file). */
export function filePieces(info: FileLayout, fileIndex: number): { first: number; last: number } {
  const file = info.files[fileIndex];
  if (file.length === 0) return { first: 0, last: -1 };
  return {
    first: Math.floor(file.offset / info.pieceLength),
    last: Math.floor((file.offset + file.length - 1) / info.pieceLength),
  };
}

export async function fileBlob(
  info: FileLayout,
  fileIndex: number,
  readPieces: ReadPieces,
  batchBytes = 16 * 1024 * 1024,
): Promise<Blob> {
  const file = info.files[fileIndex];
  const { first, last } = filePieces(info, fileIndex);
  const batch = Math.max(1, Math.floor(batchBytes / info.pieceLength));
  const parts: Blob[] = [];
  for (let start = first; start <= last; start += batch) {
    const indices: number[] = [];
    for (let i = start; i <= Math.min(last, start + batch - 1); i++) indices.push(i);
    const buffers = await readPieces(indices);
    indices.forEach((index, k) => {
      const pieceStart = index * info.pieceLength;
      const from = Math.max(file.offset, pieceStart) - pieceStart;
      const to = Math.min(file.offset + file.length, pieceStart + buffers[k].byteLength) - pieceStart;
      parts.push(new Blob([new Uint8Array(buffers[k], from, to - from)]));
    });
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}
