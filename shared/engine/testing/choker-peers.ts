// Peers as the choker sees them, for tests of choke policies (the engine's and the lab's): an interested, choked
// peer that uploads nothing and connected long ago, unless `fields` says otherwise.
import type { ChokerPeer } from '../choker';

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
