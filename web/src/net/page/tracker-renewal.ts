// A torrent's peer id on a tracker, renewed when the tracker says another connection holds it in the swarm. A
// stranger who saw our id in an offer under one hash of a hybrid torrent can announce it first under the other
// (the squat): the tracker then refuses us there, and peers that know only that hash never reach us. The
// torrent leaves under the old id where it holds it, takes a new random id and claims it under both hashes at once,
// with no offers: nobody sees the new id before both hashes hold it, so it cannot be squatted the same way.
import { makePeerId } from './tracker-ids';
import { announceMessage, type Announcer, type TrackerSocket } from './tracker-announcer';
import type { AnnounceNumbers, SignalPeer } from './tracker-hooks';
import type { TrackerStatus } from '../../lib/links/trackers';
import { MAX_PEER_ID_RENEWALS, peerIdRefusalWords } from './tracker-refusal';

/** The client's parts a renewal acts on. */
export interface RenewalContext<P extends SignalPeer> {
  numbers(infoHashHex: string): AnnounceNumbers;
  randomBytes(n: number): Uint8Array;
  send(socket: TrackerSocket<P>, message: Record<string, unknown>): void;
  setStatus(announcer: Announcer<P>, status: Omit<TrackerStatus, 'url'>): void;
  /** An announce with fresh offers (as on the interval). */
  announce(socket: TrackerSocket<P>, announcer: Announcer<P>): void;
}

/**
 * The tracker refused `refused`'s announce: `peer_id is in use`. The torrent takes a new id (at most
 * MAX_PEER_ID_RENEWALS times on this tracker; the refusal stays on its card after that), unless the refusal answers
 * an announce of the old id sent before the last renewal's claim.
 */
export function renewPeerId<P extends SignalPeer>(
  context: RenewalContext<P>,
  socket: TrackerSocket<P>,
  refused: Announcer<P>,
): void {
  if (refused.claiming) return;
  const torrent = refused.announcesFor ?? refused;
  const gaveUp = torrent.renewals >= MAX_PEER_ID_RENEWALS;
  context.setStatus(refused, { state: 'failure', message: peerIdRefusalWords(gaveUp) });
  if (gaveUp) return;
  torrent.renewals++;
  const hashes = [torrent, torrent.v2Alone].filter((a): a is Announcer<P> => a !== undefined);
  const numbers = context.numbers(torrent.infoHashHex);
  // The refused hash holds nothing of ours; the other leaves, or the tracker would refuse a second id there.
  for (const announcer of hashes) {
    if (announcer !== refused) context.send(socket, announceMessage(announcer, numbers, 'stopped', []));
  }
  torrent.peerId = makePeerId((n) => context.randomBytes(n));
  for (const announcer of hashes) {
    announcer.claiming = true;
    context.send(socket, announceMessage(announcer, numbers, 'started', []));
  }
  for (const announcer of hashes) context.announce(socket, announcer);
}
