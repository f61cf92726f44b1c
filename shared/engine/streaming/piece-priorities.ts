// Each piece's priority, from the priorities of the files it holds and the torrent's early pieces: the few pieces a
// player reads first of each playable file (its start, and its end where an MP4's `moov` or a WebM's cues sit),
// fetched before the rest as soon as the download starts, so that `Play` pressed a moment later finds them here or
// on their way instead of queued behind other pieces at the seeder. Pure: the downloader applies what it returns.
import type { FileEntry } from '../../codec/metainfo';
import type { PiecePriority } from '../picker/priorities';
import type { FilePriority } from '../contract/engine-types';

/** At most this many early pieces are kept (the adapter's list is bounded before it is used). */
export const MAX_EARLY_PIECES = 512;

export interface PieceLayout {
  files: readonly FileEntry[];
  pieceCount: number;
  pieceLength: number;
}

const RANK = { skip: 0, normal: 1, high: 2 } as const;

/**
 * The priority of every piece: the highest of its files' (`files`, in info order; undefined: all 'normal'), and
 * 'high' for an early piece that some file it holds does not skip. Early indices out of range are ignored.
 */
export function piecePriorities(
  layout: PieceLayout,
  files: readonly FilePriority[] | undefined,
  early: readonly number[],
): PiecePriority[] {
  const { pieceCount, pieceLength } = layout;
  const best = new Int8Array(pieceCount).fill(files ? RANK.skip : RANK.normal);
  if (files) {
    if (files.length !== layout.files.length)
      throw new RangeError(`${files.length} priorities for ${layout.files.length} files`);
    layout.files.forEach((file, i) => {
      if (file.length === 0) return;
      const first = Math.floor(file.offset / pieceLength);
      const last = Math.floor((file.offset + file.length - 1) / pieceLength);
      for (let index = first; index <= last; index++) best[index] = Math.max(best[index], RANK[files[i]]);
    });
  }
  for (const index of early.slice(0, MAX_EARLY_PIECES))
    if (Number.isInteger(index) && index >= 0 && index < pieceCount && best[index] === RANK.normal)
      best[index] = RANK.high;
  return Array.from(best, (rank) => (rank === RANK.skip ? 'skip' : rank === RANK.high ? 'high' : 'normal'));
}
