// Connections that carry nothing: a peer that has our requests and has sent no block for a long while. The engine
// closes a connection only when nothing at all comes (its idle timeout, 150 s) and merely snubs a peer whose blocks
// stop, so a channel whose blocks stall while keep-alives still pass (a far end whose uplink or disk hangs), or one
// whose far end vanished without a close reaching us, holds a fetch whose only source that peer is: for ever, or for
// 150 s. The swarm drops such a channel and asks the tracker for fresh offers; the far end, told of the close
// (peer-channel.ts), forgets our peer id and takes the fresh connection.
import type { PeerKey, PeerStats } from '../shared/engine/contract/engine-types';

/** A peer with our requests out that sent no block for this long is dropped: within the engine's request timeout
 * (30 s at least), whose expiry takes the requests back and stops the clock. A working channel, even a throttled
 * tab's, brings a block within seconds of a request. */
export const STALL_DROP_MS = 20_000;

type PeerSample = Pick<PeerStats, 'peer' | 'downloaded' | 'requestsInFlight' | 'progress' | 'peerInterested'>;

interface Waiting {
  /** The peer's block bytes when the wait began. */
  downloaded: number;
  since: number;
}

export class StalledPeers {
  private readonly waiting = new Map<PeerKey, Waiting>();

  constructor(private readonly dropMs = STALL_DROP_MS) {}

  /** The peers stalled as of `now`, from the session's peer rows: for `dropMs`, requests out and no block, or no word
   * of a single piece (a channel whose far end is gone without a close reaching us says nothing more). A peer that
   * has pieces and no request of ours (it chokes us, or has nothing we want) is waiting for nothing, and one that wants
   * our pieces (a newcomer with none yet) is alive and served: their clocks stop. */
  stalled(peers: readonly PeerSample[], now: number): PeerKey[] {
    const stalled: PeerKey[] = [];
    const present = new Set<PeerKey>();
    for (const peer of peers) {
      present.add(peer.peer);
      const waiting = this.waiting.get(peer.peer);
      if (peer.requestsInFlight === 0 && (peer.progress > 0 || peer.peerInterested))
        this.waiting.delete(peer.peer);
      else if (!waiting || peer.downloaded > waiting.downloaded)
        this.waiting.set(peer.peer, { downloaded: peer.downloaded, since: now });
      else if (now - waiting.since >= this.dropMs) {
        stalled.push(peer.peer);
        this.waiting.delete(peer.peer);
      }
    }
    for (const key of this.waiting.keys()) if (!present.has(key)) this.waiting.delete(key);
    return stalled;
  }
}
