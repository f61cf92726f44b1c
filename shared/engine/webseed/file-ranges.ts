// Where a run of pieces lies in the torrent's files: the byte ranges of each file a web seed is asked for. Pad files
// (BEP 47) are zeros no server holds and empty files hold nothing, so neither is ever in a range.
import type { FileEntry } from '../../codec/metainfo';

/** The geometry a web seed needs of the torrent. */
export interface SeedGeometry {
  pieceLength: number;
  length: number;
  files: readonly FileEntry[];
}

/** Bytes [start, end) of file `file` (its index in the info's order). */
export interface FileRange {
  file: number;
  start: number;
  end: number;
}

/** The index of the file holding torrent byte `offset` (the last file starting at or before it). */
export function fileAt(files: readonly FileEntry[], offset: number): number {
  let low = 0;
  let high = files.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (files[mid].offset <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Torrent bytes [from, to) as ranges of the files with bytes to fetch, in order. */
export function byteRanges(geometry: SeedGeometry, from: number, to: number): FileRange[] {
  const { files } = geometry;
  const out: FileRange[] = [];
  for (let file = fileAt(files, from); file < files.length; file++) {
    const entry = files[file];
    if (entry.offset >= to) break;
    if (entry.pad || entry.length === 0) continue;
    const start = Math.max(from, entry.offset) - entry.offset;
    const end = Math.min(to, entry.offset + entry.length) - entry.offset;
    if (end > start) out.push({ file, start, end });
  }
  return out;
}

/** The torrent bytes of pieces first..last (inclusive). */
export function pieceSpan(geometry: SeedGeometry, first: number, last: number): { from: number; to: number } {
  return {
    from: first * geometry.pieceLength,
    to: Math.min(geometry.length, (last + 1) * geometry.pieceLength),
  };
}

/** The files with bytes in piece `index` (pad and empty files left out). */
export function filesOfPiece(geometry: SeedGeometry, index: number): number[] {
  const { from, to } = pieceSpan(geometry, index, index);
  return byteRanges(geometry, from, to).map((range) => range.file);
}

/** The bytes of piece `index` a web seed sends (its length less the pad bytes in it). */
export function seedBytesOfPiece(geometry: SeedGeometry, index: number): number {
  const { from, to } = pieceSpan(geometry, index, index);
  return byteRanges(geometry, from, to).reduce((sum, range) => sum + range.end - range.start, 0);
}
