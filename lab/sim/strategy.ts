// Peer strategies for the lab's experiments, through the engine's own options (no reaching into its internals).
// - Piece selection: the engine's `pieceSelection` option ('rarest', 'random', 'sequential').
// - Choke policies (the engine's `chokePolicy` option, see shared/engine/choke/choker.ts): a free rider that never
//   unchokes anyone, no choking at all (every interested peer is served), a fixed upload cap per peer on top of
//   tit-for-tat.
// - A strategic, BitTyrant-like choker (Piatek et al. 2007) for the incentives experiment, as a choke policy: the
//   same unchoke set as tit-for-tat without spare slots (only peers that reciprocate, plus the optimistic one), but
//   each unchoked peer gets an upload cap just above what it gives us, so the peer spends the least upload that
//   keeps its partners reciprocating. Peers that give nothing yet get a small probing rate.
import type { ChokePolicy } from '../../shared/engine/choke/choker';
import { NO_CHOKE_CHANGES, chooseUnchoked, titForTat } from '../../shared/engine/choke/choker';
import { PIECE_SELECTIONS, type PieceSelection } from '../../shared/engine/picker/selection';

export type { PieceSelection };
export { PIECE_SELECTIONS };

export interface StrategicChokerOptions {
  /** Bytes/s offered to an unchoked peer that does not upload to us yet (the optimistic one, a new one). */
  probeRate: number;
  /** A reciprocating peer gets this multiple of the rate it gives us (default 1.1). */
  margin?: number;
}

/** Never unchokes anyone: downloads, never uploads. */
export const freeRider: ChokePolicy = Object.freeze<ChokePolicy>({
  round: () => ({ unchoke: new Set<string>(), optimistic: undefined }),
  betweenRounds: () => NO_CHOKE_CHANGES,
});

/** No choking: every interested peer is unchoked, at once when it says so and at every round. */
export const noChoking: ChokePolicy = Object.freeze<ChokePolicy>({
  round: (input) => ({
    unchoke: new Set(input.peers.filter((p) => p.interested).map((p) => p.peer)),
    optimistic: undefined,
  }),
  betweenRounds: (input) => {
    const { trigger } = input;
    if (trigger.kind !== 'interested') return NO_CHOKE_CHANGES;
    const peer = input.peers.find((p) => p.peer === trigger.peer);
    return peer && !peer.unchoked ? { choke: [], unchoke: [peer.peer] } : NO_CHOKE_CHANGES;
  },
});

/** Tit-for-tat with every peer's upload capped at `bytesPerSecond`. */
export function fixedUploadCap(bytesPerSecond: number): ChokePolicy {
  if (!(bytesPerSecond > 0)) throw new RangeError(`invalid upload cap ${bytesPerSecond}`);
  return Object.freeze({ ...titForTat, uploadCap: bytesPerSecond });
}

/** The strategic choker decides at rounds only: no unchoke between rounds. */
export function strategicChoker(options: StrategicChokerOptions): ChokePolicy {
  const margin = options.margin ?? 1.1;
  if (!(options.probeRate > 0)) throw new RangeError(`probeRate must be > 0, got ${options.probeRate}`);
  if (!(margin > 0)) throw new RangeError(`margin must be > 0, got ${margin}`);
  const round: ChokePolicy['round'] = (input) => {
    const result = chooseUnchoked({ ...input, spareSlots: 'none' });
    if (input.seeding) return result; // a seed has nothing to gain: it serves like everyone else
    const rates = new Map(input.peers.map((p) => [p.peer, p.downloadRate]));
    const uploadCaps = new Map<string, number>();
    for (const peer of result.unchoke) {
      uploadCaps.set(peer, Math.max(options.probeRate, (rates.get(peer) ?? 0) * margin));
    }
    return { ...result, uploadCaps };
  };
  return Object.freeze({ round, betweenRounds: () => NO_CHOKE_CHANGES });
}
