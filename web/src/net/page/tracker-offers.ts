// The offers of one announce: a WebRTC peer per offer, each waiting for its description (trickle is off, so every
// candidate is in it). An offer that gathers nothing in time is dropped; one the tracker relays but nobody answers
// is destroyed after a while.
import type { WireOffer } from '../../../../shared/codec/tracker-protocol';
import type { Announcer } from './tracker-announcer';
import type { SignalPeer } from './tracker-hooks';
import { randomId } from './tracker-ids';

export interface OfferSettings<P extends SignalPeer> {
  createPeer(infoHashHex: string, initiator: boolean): P | undefined;
  randomBytes: (n: number) => Uint8Array;
  /** Wait at most this long for an offer to gather its ICE candidates. */
  gatherTimeoutMs: number;
  /** Unanswered offers are destroyed after this long. */
  answerTimeoutMs: number;
}

/** `count` fresh offers for the announcer's torrent, kept in its pending offers until answered or timed out. */
export function makeOffers<P extends SignalPeer>(
  announcer: Announcer<P>,
  count: number,
  settings: OfferSettings<P>,
): Promise<WireOffer[]> {
  if (count <= 0) return Promise.resolve([]);
  const made: Array<Promise<WireOffer | undefined>> = [];
  for (let i = 0; i < count; i++) made.push(makeOffer(announcer, settings));
  return Promise.all(made).then((list) => list.filter((offer): offer is WireOffer => offer !== undefined));
}

function makeOffer<P extends SignalPeer>(
  announcer: Announcer<P>,
  settings: OfferSettings<P>,
): Promise<WireOffer | undefined> {
  const offerId = randomId(settings.randomBytes);
  const peer = settings.createPeer(announcer.infoHashHex, true);
  if (!peer) return Promise.resolve(undefined);
  return new Promise<WireOffer | undefined>((resolve) => {
    const gather = setTimeout(() => {
      peer.destroy();
      resolve(undefined);
    }, settings.gatherTimeoutMs);
    peer.once('signal', (offer) => {
      clearTimeout(gather);
      if (peer.destroyed || announcer.stopped) {
        peer.destroy();
        resolve(undefined);
        return;
      }
      const timer = setTimeout(() => {
        announcer.offers.delete(offerId);
        peer.destroy();
      }, settings.answerTimeoutMs);
      announcer.offers.set(offerId, { peer, timer });
      resolve({ offer, offer_id: offerId });
    });
  });
}
