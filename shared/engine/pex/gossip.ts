// What we tell one neighbour about our other neighbours (sd_pex peers messages, docs/protocols.md): the whole list
// first (the pull: both sides send theirs as the extension opens), then once a round what changed (the push): new
// neighbours and the neighbours that went, and a progress that crossed a tenth or reached a seed (a message of only
// those at most every PROGRESS_ROUND_MS). Each message names at
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

/** A message that only moves progresses waits this long after the last: every downloading neighbour's progress moves
 * a tenth within seconds, and a message each round to each neighbour slowed the lab's swarm of 50 by a third (its
 * distribution time over the bound 1.27 without peer exchange, 1.7 with progress each round, 1.34 with this). */
export const PROGRESS_ROUND_MS = 30_000;

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
    if (!first && this.onlyProgress(added, dropped) && now - (this.lastAt ?? 0) < PROGRESS_ROUND_MS)
      return undefined;
    for (const { id, progress } of added) this.told.set(id, progress);
    for (const id of dropped) this.told.delete(id);
    this.lastAt = now;
    return { added, dropped, full: first };
  }

  /** Whether a message would only move the progress of peers already told. */
  private onlyProgress(added: PeersUpdate['added'], dropped: PeerIdHex[]): boolean {
    return dropped.length === 0 && added.every(({ id }) => this.told.has(id));
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
