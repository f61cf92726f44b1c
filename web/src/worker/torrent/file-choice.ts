// Which of a torrent's files the user wants: the choice (remembered in its record, a magnet's `so` selection
// becoming it once the files are known), the file priorities the session is told, and the progress over the chosen
// files' pieces. Which pieces a file needs, and how many of them are verified, is the engine's to say (its stats'
// wantedPieces and wantedVerified): the progress is read from there.
import type { FilePriority, SessionStats } from '../../../../shared/engine/contract/engine-types';
import type { VerifiedView } from '../../../../shared/engine/verify/verified-pieces';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { TorrentRecord } from '../storage/records';

type Choice = Pick<TorrentRecord, 'skippedFiles' | 'selectOnly'>;
type Layout = Pick<TorrentInfo, 'files' | 'pieceCount' | 'pieceLength'>;
type WantedCounts = Pick<SessionStats, 'pieceCount' | 'wantedPieces' | 'wantedVerified'>;

export class FileChoice {
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
    this.persist();
  }

  /** What the session is told of the choice, once the files are known (a magnet's `so` becomes the choice here);
   * undefined while nothing was ever chosen. */
  priorities(info: Layout): FilePriority[] | undefined {
    if (this.record.selectOnly) {
      const only = new Set(this.record.selectOnly);
      this.record.skippedFiles = info.files.map((_, index) => index).filter((index) => !only.has(index));
      delete this.record.selectOnly;
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

  /** Percent of the pieces wanted that are verified: every piece's, or the chosen files' while some are skipped,
   * as the session counts them (`stats`). Without a session's stats (none could be made), every piece's. */
  progress(stats: WantedCounts | undefined, verified: VerifiedView | undefined): number {
    if (!stats) return verified && verified.pieceCount > 0 ? (100 * verified.count) / verified.pieceCount : 0;
    if (stats.pieceCount === 0) return 0;
    return stats.wantedPieces > 0 ? (100 * stats.wantedVerified) / stats.wantedPieces : 100;
  }
}
