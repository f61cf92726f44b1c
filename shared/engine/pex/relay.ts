// The checks of relayed signalling (docs/protocols.md, sd_pex), as pure verdicts: what a relay does with a relay
// message from a neighbour, and what a peer does with a signal a relay brings. One hop only: a relay passes a
// request on to its own neighbour and nowhere else, naming the sender by its handshake id, never by the message.
import { PEX_ERROR } from '../../codec/pex';
import type { PeerIdHex } from '../contract/engine-types';
import type { Neighbour } from './neighbour';

export type RelayVerdict = { close: string } | { error: number } | { forward: Neighbour };

/** What a relay does with `from`'s request to pass a signal on to `to`. */
export function relayVerdict(
  from: Neighbour,
  to: PeerIdHex,
  us: { id: PeerIdHex; neighbour(id: PeerIdHex): Neighbour | undefined },
  now: number,
): RelayVerdict {
  if (!from.relayIn.take(now)) return { close: 'asked us to relay more than its share (sd_pex)' };
  if (to === from.idHex || to === us.id) return { close: 'asked us to relay to itself or to us (sd_pex)' };
  const target = us.neighbour(to);
  if (!target) {
    if (!from.misses.take(now))
      return { close: 'asked us to relay to many peers we are not connected to (sd_pex)' };
    return { error: PEX_ERROR.notNeighbour };
  }
  if (!target.gossip.named(from.idHex)) return { error: PEX_ERROR.notIntroduced };
  if (!target.forwards.take(now)) return { error: PEX_ERROR.busy };
  return { forward: target };
}

/** Why a signal `relay` brings from `from` closes the relay, or undefined when it may be taken. */
export function signalRefusal(
  relay: Neighbour,
  from: PeerIdHex,
  us: { id: PeerIdHex; names(by: Neighbour, id: PeerIdHex): boolean },
  now: number,
): string | undefined {
  if (!relay.signalsIn.take(now)) return 'relayed more signals than its share (sd_pex)';
  if (from === us.id || from === relay.idHex) return 'forged the peer id of a relayed signal (sd_pex)';
  if (!us.names(relay, from)) return 'relayed a signal from a peer it never named (sd_pex)';
  return undefined;
}
