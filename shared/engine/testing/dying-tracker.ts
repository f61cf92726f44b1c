// Swarms with several trackers, any of which can die: each node announces to the trackers its magnet link or
// .torrent names (and that it reaches), and asks each living one for peers. A dead tracker answers nothing and
// forgets whom it knew (an in-memory tracker, like ours); the sessions keep the connections they have, so a download
// goes on as long as its peers do, and a newcomer finds the swarm through a tracker that is still alive.
import { Swarm, type NodeOptions, type SwarmNode } from './swarm';
import type { AnnounceEvent } from '../contract/engine-types';

/** One tracker: the nodes it knows (announced, not stopped), while it lives. */
export class DyingTracker {
  private alive = true;
  readonly known = new Set<SwarmNode>();
  /** Announces it answered. */
  announces = 0;

  constructor(readonly name: string) {}

  get living(): boolean {
    return this.alive;
  }

  /** The tracker dies: it answers nothing from now on and forgets every peer. */
  die(): void {
    this.alive = false;
    this.known.clear();
  }

  /** Its swarm as /stats shows it: the seeders and the leechers it knows. */
  counts(): { complete: number; incomplete: number } {
    let complete = 0;
    for (const node of this.known) if (node.complete) complete++;
    return { complete, incomplete: this.known.size - complete };
  }

  announce(node: SwarmNode, event: AnnounceEvent | undefined): void {
    if (!this.alive) return;
    this.announces++;
    if (event === 'stopped') this.known.delete(node);
    else this.known.add(node);
  }
}

export interface TrackedNodeOptions extends NodeOptions {
  /** The trackers this node announces to. */
  trackers: readonly DyingTracker[];
}

export class TrackersSwarm extends Swarm {
  private readonly trackersOf = new Map<SwarmNode, readonly DyingTracker[]>();

  /** Adds a node that announces to `trackers` (from its first tick, which comes in a later event). */
  addTrackedNode(options: TrackedNodeOptions): SwarmNode {
    const { trackers, ...node } = options;
    const added = this.addNode(node);
    this.trackersOf.set(added, trackers);
    return added;
  }

  protected override announce(node: SwarmNode, event: AnnounceEvent | undefined): void {
    super.announce(node, event);
    for (const tracker of this.trackersOf.get(node) ?? []) tracker.announce(node, event);
  }

  /** Up to `count` peers from the living trackers of `node`, in random order, that it is not connected to. */
  protected override findPeers(node: SwarmNode, count: number): void {
    const candidates = new Set<SwarmNode>();
    for (const tracker of this.trackersOf.get(node) ?? [])
      if (tracker.living) for (const other of tracker.known) candidates.add(other);
    const list = [...candidates].filter(
      (other) => other !== node && other.alive && !this.connected(node, other),
    );
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    for (const other of list.slice(0, count)) this.connect(node, other);
  }
}
