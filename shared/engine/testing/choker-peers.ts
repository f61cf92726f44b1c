// Peers as the choker sees them, for tests of choke policies (the engine's and the lab's): an interested, choked
// peer that uploads nothing and connected long ago, unless `fields` says otherwise.
import type { ChokerInput, ChokerPeer } from '../choke/choker';
import { mulberry32 } from './random';

export function chokerPeer(name: string, fields: Partial<ChokerPeer> = {}): ChokerPeer {
  return {
    peer: name,
    interested: true,
    downloadRate: 0,
    uploadRate: 0,
    snubbed: false,
    connectedAt: -1_000_000,
    unchoked: false,
    ...fields,
  };
}

/** A leeching choke round over `peers` with 4 slots at time 0, the optimistic slot due to rotate, unless `fields`
 * says otherwise. */
export function chokerRound(peers: ChokerPeer[], fields: Partial<ChokerInput> = {}): ChokerInput {
  return {
    peers,
    seeding: false,
    slots: 4,
    optimistic: undefined,
    rotateOptimistic: true,
    now: 0,
    random: mulberry32(7),
    ...fields,
  };
}
