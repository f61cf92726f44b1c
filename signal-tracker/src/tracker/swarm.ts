// One swarm: the peers announcing one info hash (or both hashes of a hybrid torrent, once bound), their roles, and
// random choice among them.
import { binaryToHex, type AnnounceMessage } from '../../../shared/codec/tracker-protocol';

/** One peer of a swarm; `S` is the tracker's session (its connection), which the swarm only carries. */
export interface Peer<S extends SwarmSession> {
  /** The info hash it announced (binary): in a swarm bound to an alias, offers reach it under this one. */
  readonly infoHash: string;
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
  /** The peers of this swarm from the same client address. */
  group: AddressGroup<S>;
  /** Position in group.peers, for O(1) removal. */
  groupIndex: number;
}

/** The peers of one swarm that share a client address (an IPv4 address or an IPv6 /64). */
export interface AddressGroup<S extends SwarmSession> {
  readonly key: string;
  readonly peers: Peer<S>[];
  /** Position in Swarm.groups, for O(1) removal. */
  index: number;
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
  /** The other info hash the swarm is bound to (hex), if any. */
  alias?: string;
  complete: number;
  incomplete: number;
  downloaded: number;
  peers: PeerStats[];
}

/** What the swarm needs of a peer's session: its client address's key, to group peers by address. */
export interface SwarmSession {
  readonly address: { readonly key: string };
}

export class Swarm<S extends SwarmSession> {
  complete = 0;
  /** Peers that announced `completed` here (the scrape `downloaded` figure). */
  downloaded = 0;
  /**
   * The other info hash this swarm answers to (a hybrid torrent's v1 and v2 hashes), or null. The tracker binds
   * it (aliases.ts, `bindAlias`); it is forgotten with the swarm.
   */
  alias: string | null = null;
  /** By peer id, in order of last announce (oldest first), so expiry stops at the first fresh peer. */
  private readonly byId = new Map<string, Peer<S>>();
  /** The same peers as an array. */
  private readonly list: Peer<S>[] = [];
  /** The peers grouped by client address, for random choice that spreads over addresses first. */
  private readonly groups: AddressGroup<S>[] = [];
  private readonly groupByKey = new Map<string, AddressGroup<S>>();

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

  /** How many client addresses have peers here. */
  get addressCount(): number {
    return this.groups.length;
  }

  /** How many peers of this swarm come from `address` (an address key). */
  peersFrom(address: string): number {
    return this.groupByKey.get(address)?.peers.length ?? 0;
  }

  /**
   * The peer to evict for a newcomer from `address` when the swarm is full: the longest silent peer of the address
   * with the most peers here, if that address has more than the newcomer's would have with it; else null (the
   * newcomer's own address holds the most, and it is refused). O(addresses): only a full swarm asks.
   */
  evictionFor(address: string): Peer<S> | null {
    let largest: AddressGroup<S> | null = null;
    for (const group of this.groups)
      if (!largest || group.peers.length > largest.peers.length) largest = group;
    if (!largest || largest.peers.length <= this.peersFrom(address) + 1) return null;
    let oldest = largest.peers[0];
    for (const peer of largest.peers) if (peer.lastAnnounce < oldest.lastAnnounce) oldest = peer;
    return oldest;
  }

  /** A new peer, announcing `message.infoHash` (this swarm's hash or its alias). */
  add(peerId: string, session: S, message: AnnounceMessage, now: number): Peer<S> {
    const peer: Peer<S> = {
      infoHash: message.infoHash,
      peerId,
      session,
      seeder: false,
      left: null,
      uploaded: 0,
      downloaded: 0,
      lastAnnounce: now,
      index: 0,
      nextInSession: null,
      group: this.groupFor(session.address.key),
      groupIndex: 0,
    };
    this.place(peer, peer.group);
    this.byId.set(peerId, peer);
    this.update(peer, message, now);
    return peer;
  }

  /** The group of a client address, made when it has no peer here yet. */
  private groupFor(key: string): AddressGroup<S> {
    let group = this.groupByKey.get(key);
    if (!group) {
      group = { key, peers: [], index: this.groups.length };
      this.groups.push(group);
      this.groupByKey.set(key, group);
    }
    return group;
  }

  /** Puts `peer` at the end of the list and of `group`. */
  private place(peer: Peer<S>, group: AddressGroup<S>): void {
    peer.index = this.list.length;
    this.list.push(peer);
    peer.group = group;
    peer.groupIndex = group.peers.length;
    group.peers.push(peer);
  }

  /** Whether a peer id is in both swarms (they cannot then be one). O(the smaller swarm). */
  sharesPeerIdWith(other: Swarm<S>): boolean {
    const [small, large] = this.size <= other.size ? [this, other] : [other, this];
    for (const peerId of small.byId.keys()) if (large.byId.has(peerId)) return true;
    return false;
  }

  /**
   * Takes every peer of `other` (which shares no peer id with this one: see sharesPeerIdWith), keeping the announce
   * order for expiry, and its counts. `other` is left to be dropped. O(both swarms).
   */
  absorb(other: Swarm<S>): void {
    const mine = [...this.byId.values()];
    const theirs = [...other.byId.values()];
    this.byId.clear();
    for (let i = 0, j = 0; i < mine.length || j < theirs.length;) {
      const takeMine =
        j >= theirs.length || (i < mine.length && mine[i].lastAnnounce <= theirs[j].lastAnnounce);
      const peer = takeMine ? mine[i++] : theirs[j++];
      this.byId.set(peer.peerId, peer);
    }
    for (const peer of theirs) this.place(peer, this.groupFor(peer.session.address.key));
    this.complete += other.complete;
    this.downloaded += other.downloaded;
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
    const group = peer.group;
    const lastInGroup = group.peers.pop()!;
    if (lastInGroup !== peer) {
      group.peers[peer.groupIndex] = lastInGroup;
      lastInGroup.groupIndex = peer.groupIndex;
    }
    if (group.peers.length === 0) {
      const lastGroup = this.groups.pop()!;
      if (lastGroup !== group) {
        this.groups[group.index] = lastGroup;
        lastGroup.index = group.index;
      }
      this.groupByKey.delete(group.key);
    }
    if (peer.seeder) this.complete--;
  }

  /** Every peer (a copy). */
  members(): Peer<S>[] {
    return [...this.list];
  }

  /** Every peer, without a copy: for reading only, and not while peers join or leave. */
  get peers(): readonly Peer<S>[] {
    return this.list;
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
   * Up to `count` distinct random peers other than `exclude`, spread over client addresses first: each round takes
   * one random peer from each of up to `count` random addresses (Floyd's sampling, O(count^2) whatever the swarm's
   * size), so an address holding many peers gets no more offers than an address holding one, unless there are
   * fewer addresses than offers. The result is in random order.
   */
  randomPeers(count: number, exclude: Peer<S>, random: () => number): Peer<S>[] {
    if (count <= 0) return [];
    const groups = this.groups;
    const peers =
      groups.length > count
        ? oneFromRandomGroups(groups, count, exclude, random)
        : roundsOverGroups(groups, count, exclude, random);
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
      ...(this.alias === null ? {} : { alias: binaryToHex(this.alias) }),
      complete: this.complete,
      incomplete: this.incomplete,
      downloaded: this.downloaded,
      peers,
    };
  }
}

/** One peer from each of count + 1 random addresses (one may hold only `exclude`), chosen by Floyd's algorithm. */
function oneFromRandomGroups<S extends SwarmSession>(
  groups: AddressGroup<S>[],
  count: number,
  exclude: Peer<S>,
  random: () => number,
): Peer<S>[] {
  const peers: Peer<S>[] = [];
  const n = groups.length;
  const chosen: number[] = [];
  for (let j = n - count - 1; j < n; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.push(chosen.includes(t) ? j : t);
  }
  for (const index of chosen) {
    const peer = pickFrom(groups[index].peers, exclude, peers, random);
    if (peer) peers.push(peer);
  }
  return peers;
}

/** Few addresses: round after round, one more random peer from each, until `count` or no more peers. */
function roundsOverGroups<S extends SwarmSession>(
  groups: AddressGroup<S>[],
  count: number,
  exclude: Peer<S>,
  random: () => number,
): Peer<S>[] {
  const peers: Peer<S>[] = [];
  let added = true;
  while (peers.length < count && added) {
    added = false;
    for (const group of groups) {
      if (peers.length >= count) break;
      const peer = pickFrom(group.peers, exclude, peers, random);
      if (peer) {
        peers.push(peer);
        added = true;
      }
    }
  }
  return peers;
}

/**
 * A random peer of `group` that is neither `exclude` nor already `taken`, or null. A few random tries, then a scan
 * from a random start, so the work stays small in a group of any size.
 */
function pickFrom<S extends SwarmSession>(
  group: Peer<S>[],
  exclude: Peer<S>,
  taken: Peer<S>[],
  random: () => number,
): Peer<S> | null {
  const n = group.length;
  const start = Math.floor(random() * n);
  for (let i = 0; i < n; i++) {
    const peer = group[(start + i) % n];
    if (peer !== exclude && !taken.includes(peer)) return peer;
  }
  return null;
}
