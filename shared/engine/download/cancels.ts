// Cancels of the duplicate requests (endgame) that a block made needless: each goes to the peer that still has it,
// if that peer is still connected.
import type { WireMessage } from '../../codec/wire';
import type { PeerKey } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';

/** What sending cancels needs from the connections around it (the downloader's ports). */
export interface CancelPorts {
  peer(key: PeerKey): PeerState | undefined;
  send(peer: PeerState, message: WireMessage): void;
}

/** A cancel to each connected peer named, for its block. */
export function sendCancels(
  ports: CancelPorts,
  cancels: readonly { peer: PeerKey; index: number; begin: number; length: number }[],
): void {
  for (const { peer, index, begin, length } of cancels) {
    const other = ports.peer(peer);
    if (other) ports.send(other, { type: 'cancel', index, begin, length });
  }
}
