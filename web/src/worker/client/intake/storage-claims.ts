// What an intake checks and claims of storage: room for the bytes it will store, and a fresh place for a share's
// pieces.
import type { PieceLayout } from '../../storage/piece-file';
import type { PieceStorage } from '../../../../../shared/host/piece-storage';
import { newShareStorageId } from '../../storage/records';
import { notEnoughRoom } from '../../../lib/storage/storage-room';
import { ActionError } from '../action-runner';
import type { ClientCore } from '../client-core';
import { randomHex } from '../peer-id';

/** Throws the reason the user reads when the browser has no room for `bytes` more. */
export async function ensureRoom(core: ClientCore, bytes: number): Promise<void> {
  const noRoom = notEnoughRoom(bytes, await core.estimateStorage());
  if (noRoom) throw new ActionError(noRoom);
}

/** A new share's storage id and pieces (orphans until its record is written, deleted at start if it never is). */
export function newShareStorage(
  core: ClientCore,
  layout: () => PieceLayout | undefined,
): { storageId: string; pieces: PieceStorage } {
  const storageId = newShareStorageId(randomHex(8));
  return { storageId, pieces: core.storage.sharePieces(storageId, layout) };
}
