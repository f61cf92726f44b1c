// The upkeep of our requests in flight, each tick: peers that stopped answering are marked snubbed, and requests past
// their peer's timeout are released. Also each peer's pipeline depth, which the downloader fills to.
import { BLOCK_SIZE } from '../../codec/wire';
import type { EngineConfig } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';
import { requestTimeoutFor } from '../peer/round-trip';
import type { Wishlist } from '../picker/wishlist';
import { isSnubbed, pipelineDepth } from './pipeline';

/** A peer measured slow gets at most this much work queued (but at least 2 requests) instead of minPipeline, so the
 * last blocks do not sit behind a slow peer's queue while faster peers could bring them. */
const SLOW_PEER_QUEUE_MS = 5_000;

/** A request is given up on after the configured timeout, or later when the peer's request-to-block times say its
 * queue takes longer (a thin or bloated uplink serving many peers), but never later than this. Never sooner: a
 * request given up on is asked again, and a data channel loses nothing, so a shorter wait than the configured one
 * only sends blocks twice through a queue that was slow, not lost. */
export const MAX_REQUEST_TIMEOUT_MS = 120_000;

type PipelineConfig = Pick<EngineConfig, 'minPipeline' | 'maxPipeline'>;

/** How many requests the peer's pipeline wants in flight now: its rate over its path, the stalls it had. */
export function depthOf(peer: PeerState, config: PipelineConfig, now: number): number {
  return pipelineDepth(peer.download.pipelineRate(now), peer.reqq, {
    minDepth: config.minPipeline,
    maxDepth: config.maxPipeline,
    blockSize: BLOCK_SIZE,
    maxQueueMs: SLOW_PEER_QUEUE_MS,
    roundTripMs: peer.download.roundTrip.least,
    stallMs: peer.download.stallCover(now),
  });
}

/** What the upkeep needs from the connections around it. */
export interface UpkeepPorts {
  peer(key: string): PeerState | undefined;
  peers(): Iterable<PeerState>;
}

export class RequestUpkeep {
  constructor(
    private readonly wishlist: Wishlist,
    private readonly config: EngineConfig,
    private readonly ports: UpkeepPorts,
  ) {}

  /** Marks snubbed peers (sticky until one sends a block), then releases requests older than their peer's timeout;
   * true when some were released (they can be handed out). */
  tick(now: number): boolean {
    for (const peer of this.ports.peers()) {
      const outstanding = this.wishlist.outstanding(peer.key);
      if (!peer.snubbed && isSnubbed(peer.lastBlockAt, outstanding, now, this.config.snubTimeoutMs))
        peer.download.snub();
    }
    return this.wishlist.expire(now, this.requestTimeout).length > 0;
  }

  /** A peer's request timeout: from its request-to-block times (requestTimeoutFor), at least the configured one. */
  private readonly requestTimeout = (key: string): number => {
    const floor = this.config.requestTimeoutMs;
    const peer = this.ports.peer(key);
    const cap = Math.max(floor, MAX_REQUEST_TIMEOUT_MS);
    return peer ? requestTimeoutFor(peer.download.roundTrip, floor, cap) : floor;
  };
}
