// Which of a torrent's files the user wants: the choice (remembered in its record, a magnet's `so` selection
// becoming it once the files are known), the file priorities the session is told, and the progress over the chosen
// files' pieces. Which pieces a file needs is the engine's rule (piece-priorities.ts), read here, not made again.
import { piecePriorities } from '../../../../shared/engine/streaming/piece-priorities';
import type { FilePriority } from '../../../../shared/engine/contract/engine-types';
import type { VerifiedView } from '../../../../shared/engine/verify/verified-pieces';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { TorrentRecord } from '../storage/records';

type Choice = Pick<TorrentRecord, 'skippedFiles' | 'selectOnly'>;
type Layout = Pick<TorrentInfo, 'files' | 'pieceCount' | 'pieceLength'>;

export class FileChoice {
  /** The pieces of the chosen files, while some are skipped (see wantedPieces). */
  private wanted: boolean[] | undefined;

  /** `persist`: writes the record once the choice in it changed. */
  constructor(
    private readonly record: Choice,
    private readonly persist: () => void,
  ) {}

  /** Downloads only the files not in `skipped`: indices outside the torrent's `fileCount` files are dropped. */
  choose(skipped: readonly number[], fileCount: number): void {
    this.record.skippedFiles = [...new Set(skipped)]
      .filter((index) => Number.isInteger(index) && index >= 0 && index < fileCount)
      .sort((a, b) => a - b);
    delete this.record.selectOnly;
    this.wanted = undefined;
    this.persist();
  }

  /** What the session is told of the choice, once the files are known (a magnet's `so` becomes the choice here);
   * undefined while nothing was ever chosen. */
  priorities(info: Layout): FilePriority[] | undefined {
    if (this.record.selectOnly) {
      const only = new Set(this.record.selectOnly);
      this.record.skippedFiles = info.files.map((_, index) => index).filter((index) => !only.has(index));
      delete this.record.selectOnly;
      this.wanted = undefined;
      this.persist();
    }
    const skipped = new Set(this.record.skippedFiles ?? []);
    if (skipped.size === 0 && this.record.skippedFiles === undefined) return undefined;
    // Pad files (BEP 47) are zeros nobody chose: a piece is fetched for the real files it holds.
    return info.files.map((file, index) => (skipped.has(index) || file.pad ? 'skip' : 'normal'));
  }

  chosen(index: number): boolean {
    return !this.record.skippedFiles?.includes(index);
  }

  /** Percent of the pieces wanted that are verified: every piece's, or the chosen files' while some are skipped. */
  progress(info: Layout | undefined, verified: VerifiedView | undefined): number {
    const pieceCount = info?.pieceCount ?? 0;
    const wanted = this.wantedPieces(info);
    if (!wanted || !verified) return pieceCount > 0 ? (100 * (verified?.count ?? 0)) / pieceCount : 0;
    let total = 0;
    let have = 0;
    wanted.forEach((isWanted, piece) => {
      if (!isWanted) return;
      total++;
      if (verified.get(piece)) have++;
    });
    return total > 0 ? (100 * have) / total : 100;
  }

  /** Per piece, whether a chosen file needs it (undefined: every piece is wanted). */
  private wantedPieces(info: Layout | undefined): boolean[] | undefined {
    const skipped = this.record.skippedFiles;
    if (!info || !skipped || skipped.length === 0) return undefined;
    if (this.wanted) return this.wanted;
    const skip = new Set(skipped);
    const files = info.files.map((file, index): FilePriority =>
      skip.has(index) || file.pad ? 'skip' : 'normal',
    );
    this.wanted = piecePriorities(info, files, []).map((priority) => priority !== 'skip');
    return this.wanted;
  }
}
