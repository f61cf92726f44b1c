// One swarm: the peers announcing one info hash, their roles, and random choice among them.
import { binaryToHex, type AnnounceMessage } from '../../shared/tracker-protocol';

/** One peer of a swarm; `S` is the tracker's session (its connection), which the swarm only carries. */
export interface Peer<S> {
  readonly infoHash: string; // binary
  readonly peerId: string; // binary
  readonly session: S;
  seeder: boolean;
  left: number | null;
  uploaded: number;
  downloaded: number;
  lastAnnounce: number;
  /** Position in Swarm.list, for O(1) removal. */
  index: number;
  /** The next peer of the same session (Session keeps its peers as a linked list). */
  nextInSession: Peer<S> | null;
}

export interface PeerStats {
  peerId: string; // hex
  client: string;
  role: 'seeder' | 'leecher';
  left: number | null;
  uploaded: number;
  downloaded: number;
  lastAnnounce: number; // ms, tracker clock
}

export interface SwarmStats {
  infoHash: string; // hex
  complete: number;
  incomplete: number;
  downloaded: number;
  peers: PeerStats[];
}

export class Swarm<S> {
  complete = 0;
  /** Peers that announced `completed` here (the scrape `downloaded` figure). */
  downloaded = 0;
  /** By peer id, in order of last announce (oldest first), so expiry stops at the first fresh peer. */
  private readonly byId = new Map<string, Peer<S>>();
  /** The same peers as an array, for random choice. */
  private readonly list: Peer<S>[] = [];

  constructor(readonly infoHash: string) {}

  get size(): number {
    return this.list.length;
  }

  get incomplete(): number {
    return this.list.length - this.complete;
  }

  get(peerId: string): Peer<S> | undefined {
    return this.byId.get(peerId);
  }

  add(peerId: string, session: S, message: AnnounceMessage, now: number): Peer<S> {
    const peer: Peer<S> = {
      infoHash: this.infoHash,
      peerId,
      session,
      seeder: false,
      left: null,
      uploaded: 0,
      downloaded: 0,
      lastAnnounce: now,
      index: this.list.length,
      nextInSession: null,
    };
    this.list.push(peer);
    this.byId.set(peerId, peer);
    this.update(peer, message, now);
    return peer;
  }

  update(peer: Peer<S>, message: AnnounceMessage, now: number): void {
    let seeder = peer.seeder;
    if (message.event === 'completed') {
      if (!seeder) this.downloaded++;
      seeder = true;
    } else if (message.left !== null) {
      seeder = message.left === 0;
    }
    if (seeder !== peer.seeder) this.complete += seeder ? 1 : -1;
    peer.seeder = seeder;
    if (message.left !== null) peer.left = message.left;
    else if (message.event === 'completed') peer.left = 0;
    peer.uploaded = message.uploaded;
    peer.downloaded = message.downloaded;
    peer.lastAnnounce = now;
    // Move to the end of the announce order.
    this.byId.delete(peer.peerId);
    this.byId.set(peer.peerId, peer);
  }

  remove(peer: Peer<S>): void {
    if (this.byId.get(peer.peerId) !== peer) return;
    this.byId.delete(peer.peerId);
    const last = this.list.pop()!;
    if (last !== peer) {
      this.list[peer.index] = last;
      last.index = peer.index;
    }
    if (peer.seeder) this.complete--;
  }

  /** Every peer (a copy). */
  members(): Peer<S>[] {
    return [...this.list];
  }

  /** Peers whose last announce is before `deadline`. */
  staleBefore(deadline: number): Peer<S>[] {
    const stale: Peer<S>[] = [];
    for (const peer of this.byId.values()) {
      if (peer.lastAnnounce >= deadline) break;
      stale.push(peer);
    }
    return stale;
  }

  /**
   * Up to `count` distinct random peers other than `exclude`: Floyd's sampling of count + 1 positions, so the
   * work is O(count^2) with count <= 10, whatever the swarm's size.
   */
  randomPeers(count: number, exclude: Peer<S>, random: () => number): Peer<S>[] {
    const n = this.list.length;
    const k = Math.min(count + 1, n);
    const chosen: number[] = [];
    for (let j = n - k; j < n; j++) {
      const t = Math.floor(random() * (j + 1));
      chosen.push(chosen.includes(t) ? j : t);
    }
    const peers: Peer<S>[] = [];
    for (const index of chosen) if (this.list[index] !== exclude) peers.push(this.list[index]);
    // Floyd's set is uniform but its insertion order is not: shuffle, then keep `count`.
    for (let i = peers.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [peers[i], peers[j]] = [peers[j], peers[i]];
    }
    return peers.length > count ? peers.slice(0, count) : peers;
  }

  stats(peerClient: (peerId: string) => string): SwarmStats {
    const peers: PeerStats[] = [];
    for (const peer of this.byId.values()) {
      peers.push({
        peerId: binaryToHex(peer.peerId),
        client: peerClient(peer.peerId),
        role: peer.seeder ? 'seeder' : 'leecher',
        left: peer.left,
        uploaded: peer.uploaded,
        downloaded: peer.downloaded,
        lastAnnounce: peer.lastAnnounce,
      });
    }
    return {
      infoHash: binaryToHex(this.infoHash),
      complete: this.complete,
      incomplete: this.incomplete,
      downloaded: this.downloaded,
      peers,
    };
  }
}
