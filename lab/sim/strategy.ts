// Peer strategies for the lab's experiments, through the engine's own options (no reaching into its internals).
// - Piece selection: the engine's `pieceSelection` option ('rarest', 'random', 'sequential').
// - A strategic, BitTyrant-like choker (Piatek et al. 2007) for the incentives experiment, through the engine's
//   `choker` hook: the same unchoke set as tit-for-tat without spare slots (only peers that reciprocate, plus the
//   optimistic one), but each unchoked peer gets an upload cap just above what it gives us, so the peer spends the
//   least upload that keeps its partners reciprocating. Peers that give nothing yet get a small probing rate.
import type { ChokerInput, ChokerResult } from '../../shared/engine/choker';
import { chooseUnchoked } from '../../shared/engine/choker';
import type { PieceSelection } from '../../shared/engine/picker';
import { PIECE_SELECTIONS } from '../../shared/engine/picker';

export type { PieceSelection };
export { PIECE_SELECTIONS };

export interface StrategicChokerOptions {
  /** Bytes/s offered to an unchoked peer that does not upload to us yet (the optimistic one, a new one). */
  probeRate: number;
  /** A reciprocating peer gets this multiple of the rate it gives us (default 1.1). */
  margin?: number;
}

export function strategicChoker(options: StrategicChokerOptions): (input: ChokerInput) => ChokerResult {
  const margin = options.margin ?? 1.1;
  if (!(options.probeRate > 0)) throw new RangeError(`probeRate must be > 0, got ${options.probeRate}`);
  if (!(margin > 0)) throw new RangeError(`margin must be > 0, got ${margin}`);
  return (input) => {
    const result = chooseUnchoked({ ...input, spareSlots: 'none' });
    if (input.seeding) return result; // a seed has nothing to gain: it serves like everyone else
    const rates = new Map(input.peers.map((p) => [p.peer, p.downloadRate]));
    const uploadCaps = new Map<string, number>();
    for (const peer of result.unchoke) {
      uploadCaps.set(peer, Math.max(options.probeRate, (rates.get(peer) ?? 0) * margin));
    }
    return { ...result, uploadCaps };
  };
}
