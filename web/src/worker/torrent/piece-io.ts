// The engine's storage and reads: a verified piece goes to the store (with the totals that count it, in the same
// transaction), a peer's request is read from it. Each answers through the executor's reply, so the session gets
// `stored`/`store-failed` and `read-done`/`read-failed` as the contract says (a store that failed makes it wait for
// storage and try again; it does not end the torrent). What the host does besides happens only while the session
// the action came from is still the torrent's (`current`).
import type { Reply } from '../../../../shared/engine/session/executor';
import type { VerifiedView } from '../../../../shared/engine/verify/verified-pieces';
import { storageErrorReason } from '../../lib/storage/storage';
import type { BatchWriter } from '../storage/batch-writer';
import { ownBuffer } from '../../../../shared/host/own-buffer';
import { PieceReadError, type PieceStorage } from '../../../../shared/host/piece-storage';
import type { StreamSteering } from './streams/steering';
import type { Totals } from './totals';

export interface PieceIoHost {
  writer: Pick<BatchWriter, 'together'>;
  pieces: Pick<PieceStorage, 'writePiece' | 'readBlock'>;
  keep: WeakSet<ArrayBufferLike>;
  totals: Pick<Totals, 'storing' | 'stored'>;
  steering: Pick<StreamSteering, 'pieceVerified' | 'pieceLanded'>;
  verified(): VerifiedView | undefined;
  /** Whether a piece has been shown stored yet (the download is seen to begin). */
  firstPieceShown(): boolean;
  /** Writes the totals (in the transaction of the piece being stored). */
  persistTotals(): void;
  /** The piece is in the store (what waits for it looks again; a stopped session's pieces are recorded here). */
  pieceStored(index: number): void;
  /** Stops on a shared file's failure; false for any other error. */
  failShared(error: unknown): boolean;
}

export function storePiece(
  host: PieceIoHost,
  piece: { index: number; data: Uint8Array },
  reply: Reply<void>,
  current: () => boolean,
): void {
  const { index } = piece;
  const value = ownBuffer(piece.data);
  const size = value.byteLength;
  host.totals.storing(size);
  // The totals with the piece counted go in the same transaction: a reload never finds a stored piece that the
  // download total misses, nor the other way round (the writer keeps one totals entry per transaction, and it is
  // a few bytes: the record, which holds the info dictionary, is not rewritten per piece).
  const written = host.writer.together(() => {
    host.persistTotals();
    return host.pieces.writePiece(index, value);
  });
  host.steering.pieceVerified(index, value, !host.firstPieceShown());
  const landed = () => {
    host.totals.stored(size);
    host.steering.pieceLanded(index);
    return current();
  };
  written.then(
    () => {
      // Counted as stored before the session hears it: its answer may complete the download and write the totals.
      const live = landed();
      reply.ok();
      if (live) host.pieceStored(index);
    },
    (error: unknown) => {
      landed();
      // Our reason (not the engine's wording of it) is what the torrent shows while it waits for storage.
      reply.fail(storageErrorReason(error));
    },
  );
}

export function readBlock(
  host: PieceIoHost,
  block: { index: number; begin: number; length: number },
  reply: Reply<Uint8Array>,
  current: () => boolean,
): void {
  const { index, begin, length } = block;
  if (!host.verified()?.get(index)) return reply.fail('piece not stored');
  host.pieces.readBlock(index, begin, length).then(
    (data) => {
      // The block is a view of a cached piece: `send` must copy it, never transfer the piece away.
      host.keep.add(data.buffer);
      reply.ok(data);
    },
    (error: unknown) => {
      // A shared file that changed stops the share (its piece was not sent); other failures miss one block.
      if (current()) host.failShared(error);
      reply.fail(error instanceof PieceReadError ? error.message : storageErrorReason(error));
    },
  );
}
