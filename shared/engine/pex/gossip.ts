// What we tell one neighbour about our other neighbours (sd_pex peers messages, docs/protocols.md): the whole list
// first (the pull: both sides send theirs as the extension opens), then once a round what changed (the push): new
// neighbours, a progress that crossed a tenth or reached a seed, and the neighbours that went. Each message names at
// most MAX_PEX_ENTRIES added and as many dropped; the rest follows next round.
import { MAX_PEX_ENTRIES, PROGRESS_SCALE } from '../../codec/pex';
import type { PeerIdHex } from '../contract/engine-types';
import { ROUND_MS } from './bucket';

/** A peers message to send, with ids in hex. */
export interface PeersUpdate {
  added: Array<{ id: PeerIdHex; progress: number }>;
  dropped: PeerIdHex[];
  full: boolean;
}

/** A progress is re-sent when it moves to another tenth, or reaches a seed. */
export function progressStep(progress: number): number {
  return progress >= PROGRESS_SCALE ? 10 : Math.floor(progress / 100);
}

export class GossipOut {
  /** What this neighbour has been told: each peer with the progress said. */
  private readonly told = new Map<PeerIdHex, number>();
  private lastAt: number | undefined;

  /** Whether this neighbour has been told of `id` (and not told it went since). */
  named(id: PeerIdHex): boolean {
    return this.told.has(id);
  }

  /** The next message for this neighbour, given our view (the neighbour itself left out), or undefined: the first
   * is the whole list, then at most one a round, and nothing when nothing changed. */
  next(view: ReadonlyMap<PeerIdHex, number>, now: number): PeersUpdate | undefined {
    const first = this.lastAt === undefined;
    if (!first && now - (this.lastAt ?? 0) < ROUND_MS) return undefined;
    const added = this.changed(view);
    const dropped = this.gone(view);
    if (!first && added.length === 0 && dropped.length === 0) return undefined;
    for (const { id, progress } of added) this.told.set(id, progress);
    for (const id of dropped) this.told.delete(id);
    this.lastAt = now;
    return { added, dropped, full: first };
  }

  /** Peers new to this neighbour, or whose progress moved a step. */
  private changed(view: ReadonlyMap<PeerIdHex, number>): PeersUpdate['added'] {
    const added: PeersUpdate['added'] = [];
    for (const [id, progress] of view) {
      if (added.length >= MAX_PEX_ENTRIES) break;
      const said = this.told.get(id);
      if (said === undefined || progressStep(said) !== progressStep(progress)) added.push({ id, progress });
    }
    return added;
  }

  /** Peers this neighbour was told of that are no longer in the view. */
  private gone(view: ReadonlyMap<PeerIdHex, number>): PeerIdHex[] {
    const dropped: PeerIdHex[] = [];
    for (const id of this.told.keys()) {
      if (dropped.length >= MAX_PEX_ENTRIES) break;
      if (!view.has(id)) dropped.push(id);
    }
    return dropped;
  }
}
