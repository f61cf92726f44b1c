// The sender's part of a distribution: the first moment the peers other than the original seed hold every piece
// between them, after which the seed could leave and the swarm still finish. Its least is `F/u_s` (the file's size
// over the seed's upload rate: every piece must leave the seed once).
import type { LabPeer, LabSwarm } from './sim/swarm';

/** Looks, every `everyMs` of virtual time, whether `peers` hold every piece between them; returns the first time
 * they did (ms, undefined until then). Only the pieces not yet seen held are looked for again. */
export function watchCoverage(
  swarm: LabSwarm,
  peers: readonly LabPeer[],
  pieceCount: number,
  everyMs = 100,
): () => number | undefined {
  let at: number | undefined;
  let missing = Array.from({ length: pieceCount }, (_, i) => i);
  swarm.every(everyMs, () => {
    if (at !== undefined) return;
    missing = missing.filter((index) => !peers.some((peer) => peer.alive && peer.have?.get(index)));
    if (missing.length === 0) at = swarm.now;
  });
  return () => at;
}
