// Whom to meet next through the swarm: among the peers heard of that we may meet, at random, those likelier to trade
// with us first. While downloading, a peer with more pieces than ours has at least one we lack, so those come first
// (a seed before all), then peers with any piece; while seeding, peers that lack some. Among equals, peers fewer of
// our neighbours name come first: they lie furthest from the neighbours we have, and meeting them adds a way to the
// rest of the swarm that no one neighbour's leaving cuts (a group that one neighbour alone joined to the rest is
// an island when it goes, with no tracker to join it again).
import { PROGRESS_SCALE } from '../../codec/pex';
import type { PeerIdHex } from '../contract/engine-types';

export interface Candidate {
  id: PeerIdHex;
  progress: number;
  /** How many of our neighbours name it (can relay to it). */
  relays: number;
}

/** What the choice knows of us: our progress (thousandths of the pieces) and whether we seed. */
export interface Chooser {
  progress: number;
  seeding: boolean;
}

/** 0 for the peers to meet first, then 1, then 2. */
function rank(c: Candidate, us: Chooser): number {
  if (us.seeding) return c.progress < PROGRESS_SCALE ? 0 : 1;
  if (c.progress > us.progress) return 0;
  return c.progress > 0 ? 1 : 2;
}

/** Whether a candidate holds a piece we lack (more pieces than ours), so that meeting it can move our download. */
export function holdsWhatWeLack(c: Candidate, us: Chooser): boolean {
  return !us.seeding && c.progress > us.progress;
}

/** Up to `slots` peers to meet, best first. */
export function chooseToMeet(
  candidates: readonly Candidate[],
  slots: number,
  us: Chooser,
  random: () => number,
): PeerIdHex[] {
  if (slots <= 0) return [];
  const keyed = candidates.map((c) => ({ c, rank: rank(c, us), draw: random() }));
  keyed.sort((a, b) => a.rank - b.rank || a.c.relays - b.c.relays || a.draw - b.draw);
  return keyed.slice(0, slots).map(({ c }) => c.id);
}
