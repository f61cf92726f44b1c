// The pacer's choice in its plain form: every waiting request of every candidate peer ranked by
// `serveOrder` for each block read, the first of the least served. Kept as the oracle of the incremental order
// (pacer.ts, `chooseServe`, over waiting-requests.ts) in its property test, and as the baseline of the `pacer`
// micro-benchmark (bench/engine/pacer.ts).
import type { BlockRequest } from '../picker/block-geometry';
import { patienceOf, pickServe, type ServeCandidate } from '../upload/pacer';
import type { PeerState } from '../peer/peer';
import { Uploader } from '../upload/uploader';

export class RankAllUploader extends Uploader {
  protected override choose(
    peers: readonly PeerState[],
    now: number,
  ): { peer: PeerState; request: BlockRequest } | undefined {
    const offers: Array<{ peer: PeerState; request: BlockRequest } & ServeCandidate> = [];
    for (const peer of peers) {
      const rank = peer.upload.ranked(this.rank);
      for (const waiting of peer.upload.waitingInOrder())
        offers.push({
          peer,
          request: waiting.request,
          sent: rank.sent(waiting.request.index),
          copies: rank.copies(waiting.request.index),
          peerPieces: this.ports.peerPieces(peer),
          peerUploaded: peer.uploaded,
          waitedMs: now - waiting.since,
          patienceMs: patienceOf(waiting),
        });
    }
    return offers[pickServe(offers)];
  }
}
