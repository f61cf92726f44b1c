// Whom to meet next through the swarm: among the peers heard of that we may meet, at random, those likelier to trade
// with us first: while downloading, peers that have pieces; while seeding, peers that lack some.
import { PROGRESS_SCALE } from '../../codec/pex';
import type { PeerIdHex } from '../contract/engine-types';

export interface Candidate {
  id: PeerIdHex;
  progress: number;
}

/** Up to `slots` peers to meet, best first. */
export function chooseToMeet(
  candidates: readonly Candidate[],
  slots: number,
  seeding: boolean,
  random: () => number,
): PeerIdHex[] {
  if (slots <= 0) return [];
  const shuffled = [...candidates];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const useful = (c: Candidate) => (seeding ? c.progress < PROGRESS_SCALE : c.progress > 0);
  const ordered = [...shuffled.filter(useful), ...shuffled.filter((c) => !useful(c))];
  return ordered.slice(0, slots).map((c) => c.id);
}
