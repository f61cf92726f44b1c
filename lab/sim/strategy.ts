// Piece selection strategies for the piece-selection experiment.
// - rarest: the engine's own policy (random for the first few pieces, then rarest first).
// - random: the engine's random-first phase stretched over the whole download (`randomFirstPieces` = piece count).
// - sequential: lowest index first, like a streaming client. The engine has no option for it, so the lab replaces the
//   picker's choice of a fresh piece on this one session instance. This touches the picker's internals (`pickFresh`,
//   `pos`); the clean way is an engine option (`pieceSelection: 'rarest' | 'random' | 'sequential'`), proposed in the
//   lab's report. Everything else (blocks, endgame, requests) stays the engine's.
import type { TorrentSession } from '../../shared/engine/session';

export type PieceSelection = 'rarest' | 'random' | 'sequential';

export const PIECE_SELECTIONS: readonly PieceSelection[] = ['rarest', 'random', 'sequential'];

interface PickerInternals {
  pieceCount: number;
  pos: Int32Array;
  pickFresh: (state: unknown, peerHas: { get(index: number): boolean }) => number;
}

export function applyPieceSelection(session: TorrentSession, selection: PieceSelection): void {
  if (!PIECE_SELECTIONS.includes(selection))
    throw new RangeError(`unknown piece selection ${String(selection)}`);
  if (selection !== 'sequential') return;
  const picker = (session as unknown as { picker?: PickerInternals }).picker;
  if (!picker || typeof picker.pickFresh !== 'function' || !(picker.pos instanceof Int32Array)) {
    throw new Error(
      'sequential selection needs the engine picker internals (pickFresh, pos); the engine changed',
    );
  }
  picker.pickFresh = function (this: PickerInternals, _state, peerHas) {
    for (let index = 0; index < this.pieceCount; index++) {
      if (this.pos[index] >= 0 && peerHas.get(index)) return index;
    }
    return -1;
  };
}
