// The `have`s we owe seeds we download from. A seed has every piece and never asks us for one, so a have tells it
// only how far we are: its choker and its forwarding rule count our pieces from our haves (choke/forwarding.ts),
// over choke rounds of seconds. Sent on its own while the seed sends us blocks, each have is one more data-channel
// message in the reverse direction of that transfer: SCTP data the seed must acknowledge, often with a packet of its
// own, and on a lossy path each packet is one more chance of a loss that halves its window. So a have to a seed that
// unchokes us, and that we ask for blocks, waits to ride in the same message as our next request batch to it (soon:
// a batch is a quarter of the pipeline), and at most HAVE_DELAY_MS (it goes on the engine's tick then); none is
// dropped. Any other peer is told at once: one that may lack the piece may want it, and a seed that chokes us gets
// no request batch to carry the have, while its forwarding rule reads who has what from our haves.
import { concatBytes } from '../../codec/bytes';
import { encodeMessage } from '../../codec/wire';
import type { PeerKey } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';

/** The longest a have to a seed waits for a request batch to ride with: well under a choke round (10 s), so the
 * seed's count of our pieces lags by less than a round. */
export const HAVE_DELAY_MS = 1_000;

interface Owed {
  /** When the oldest of them was owed. */
  since: number;
  pieces: number[];
}

export class DeferredHaves {
  private readonly owed = new Map<PeerKey, Owed>();

  /** Peers we owe haves. */
  get size(): number {
    return this.owed.size;
  }

  /** We owe the peer a have of `index` since `now`. */
  owe(peer: PeerKey, index: number, now: number): void {
    const owed = this.owed.get(peer);
    if (owed) owed.pieces.push(index);
    else this.owed.set(peer, { since: now, pieces: [index] });
  }

  /** The pieces we owe the peer, oldest first; it is owed none after. */
  take(peer: PeerKey): number[] {
    const owed = this.owed.get(peer);
    if (!owed) return [];
    this.owed.delete(peer);
    return owed.pieces;
  }

  /** The peers owed a have for HAVE_DELAY_MS or longer at `now`. */
  due(now: number): PeerKey[] {
    const peers: PeerKey[] = [];
    for (const [peer, owed] of this.owed) if (now - owed.since >= HAVE_DELAY_MS) peers.push(peer);
    return peers;
  }

  /** The peer is gone: it is owed nothing. */
  forget(peer: PeerKey): void {
    this.owed.delete(peer);
  }
}

/** What the announcer needs from the connections around it (the downloader's ports). */
export interface HavePorts {
  peers(): Iterable<PeerState>;
  peer(key: PeerKey): PeerState | undefined;
  sendRaw(peer: PeerState, data: Uint8Array): void;
}

/** Tells peers of our verified pieces: the seeds we download from with our next request batch (or HAVE_DELAY_MS
 * later), others at once. */
export class HaveAnnouncer {
  private readonly owed = new DeferredHaves();

  constructor(
    private readonly ports: HavePorts,
    /** Is the peer a seed we ask for blocks (its haves may wait for a request batch)? */
    private readonly defers: (peer: PeerState) => boolean,
  ) {}

  /** A piece is verified and stored: every handshaken peer is told (`complete`: the last one, every peer at once,
   * with whatever it was still owed). */
  announce(index: number, complete: boolean, now: number): void {
    for (const peer of this.ports.peers()) {
      if (!peer.handshaken) continue;
      if (!complete && this.defers(peer)) this.owed.owe(peer.key, index, now);
      else this.send(peer, [index]);
    }
  }

  /** The haves owed to the peer, encoded, for a request batch to carry in the same message. */
  take(peer: PeerKey): Uint8Array[] {
    return this.owed.take(peer).map(encodeHave);
  }

  /** The haves no request batch carried within HAVE_DELAY_MS go now, one message per peer. */
  tick(now: number): void {
    for (const key of this.owed.due(now)) {
      const peer = this.ports.peer(key);
      if (peer) this.send(peer);
      else this.owed.forget(key);
    }
  }

  forget(peer: PeerKey): void {
    this.owed.forget(peer);
  }

  /** The haves owed to the peer and those of `pieces`, in one message (none when there are none). */
  private send(peer: PeerState, pieces: readonly number[] = []): void {
    const all = [...this.take(peer.key), ...pieces.map(encodeHave)];
    if (all.length > 0) this.ports.sendRaw(peer, concatBytes(all));
  }
}

const encodeHave = (index: number): Uint8Array => encodeMessage({ type: 'have', index });
