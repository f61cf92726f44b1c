// A share read from files on disk (made without copying them) watches that they are unchanged: every few seconds,
// even when no peer asks for a piece, and again at `Resume sharing`. A file changed or no longer readable stops the
// share with the reason; lost permission is told apart, as the browser can be asked for it again.
import { VerifiedPieces } from '../../../../shared/engine/verify/verified-pieces';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import { FilePieceStorage, SharedFileError } from '../storage/shared-files';
import { errorMessage } from './errors';
import type { Failure } from './lifecycle';

/** A share read from files on disk checks that they are unchanged this often, even when no peer asks for a piece. */
export const SHARED_FILES_CHECK_MS = 5000;

/** The failure a shared file's error stops its share with; undefined for any other error. */
export function sharedFailure(error: unknown): Failure | undefined {
  if (!(error instanceof SharedFileError)) return undefined;
  return { reason: error.message, needsPermission: error.permission };
}

export class SharedFilesWatch {
  private checkedAt = -Infinity;

  constructor(
    private readonly pieces: Pick<PieceStorage, 'verifiedPieces'>,
    private readonly clock: () => number,
  ) {}

  /** Checks some of the files if it is time to: `failed` hears what went wrong. */
  tick(info: TorrentInfo, failed: (error: unknown) => void): void {
    const now = this.clock();
    if (now - this.checkedAt < SHARED_FILES_CHECK_MS) return;
    this.checkedAt = now;
    const check =
      this.pieces instanceof FilePieceStorage
        ? this.pieces.checkSome()
        : this.pieces.verifiedPieces(info.pieceCount);
    check.catch(failed);
  }

  /** Checks every shared file again (`Resume sharing`): the pieces they hold, or why they cannot be read. */
  async recheck(info: TorrentInfo): Promise<{ verified: VerifiedPieces } | { failure: Failure }> {
    try {
      const verified = new VerifiedPieces(info, await this.pieces.verifiedPieces(info.pieceCount));
      this.checkedAt = this.clock();
      return { verified };
    } catch (error) {
      return {
        failure: {
          reason: errorMessage(error),
          needsPermission: error instanceof SharedFileError && error.permission,
        },
      };
    }
  }
}
