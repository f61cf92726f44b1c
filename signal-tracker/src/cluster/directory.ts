// What the tracker asks of the cluster: the shared directory of swarms and the messages between processes. One
// place for these types: tracker/cluster-bridge.ts uses a ClusterDirectory, redis-directory.ts implements it over Redis.
import type { SignalDescription } from '../../../shared/codec/tracker-protocol';

/** What one tracker process publishes to another: an offer or an answer for a peer whose socket it holds. */
export type ClusterMessage =
  | {
      kind: 'offer';
      /** The hash the offerer announced (its answer comes back under it). */
      infoHash: string;
      /** The recipient's hash, when it is the other hash of a swarm bound to an alias (default: infoHash). */
      toHash?: string;
      to: string;
      from: string;
      fromProcess: string;
      /** The offerer's client address, for the recipient's per-sender limits. */
      fromAddress?: string;
      offerId: string;
      offer: SignalDescription;
    }
  | {
      kind: 'answer';
      infoHash: string;
      to: string;
      from: string;
      offerId: string;
      answer: SignalDescription;
    };

/** A peer anywhere in the cluster that an announce may send an offer to. */
export interface Candidate {
  peerId: string;
  /** The process that holds its socket. */
  process: string;
  /** The info hash it announced, when it is the other hash of a swarm bound to an alias (default: the announce's). */
  infoHash?: string;
}

export interface DirectoryAnnounce {
  infoHash: string;
  peerId: string;
  /** The announcing connection, as this process names it (unique among its connections). */
  connection: string;
  complete: boolean;
  now: number;
  /** How many other peers to pick for offers. */
  want: number;
  /** The client address key of the peer's connection: offers spread over addresses first (default: the peer counts
   * as an address of its own). */
  address?: string;
  /** `info_hash_alias`: the other hash of the torrent, bound to this swarm on the cluster's first claim. */
  alias?: string;
}

/** One swarm's seeders (complete) and leechers (incomplete). */
export interface SwarmCounts {
  complete: number;
  incomplete: number;
}

/**
 * Why the cluster refused an announce's claim (nothing changed): another connection holds the peer id in the swarm,
 * under either of its hashes, and its process lives; or the connection holds another peer id there.
 */
export type ClaimRefusal = 'peer id in use' | 'second peer id';

export interface DirectoryAnnounceResult extends SwarmCounts {
  candidates: Candidate[];
  /** Set when the claim was refused: the announce changed nothing. */
  refused?: ClaimRefusal;
  /** The swarm's other hash, when the cluster has it bound to an alias. */
  alias?: string;
}

/** The cluster's counts, for the stats. */
export interface ClusterTotals {
  swarms: number;
  peers: number;
  seeders: number;
}

/**
 * The cluster's shared directory (cluster/redis-directory.ts over Redis): swarm membership across processes,
 * offer candidates anywhere in the cluster, and the processes' inboxes. Every call may fail (Redis down): the
 * tracker then serves its own sockets from memory.
 */
export interface ClusterDirectory {
  readonly process: string;
  /** Redis answers now. */
  readonly up: boolean;
  announce(announce: DirectoryAnnounce): Promise<DirectoryAnnounceResult>;
  /** Removes the peer, if `connection` holds it (another connection's peer with the same id stays). */
  leave(infoHash: string, peerId: string, connection: string): Promise<void>;
  /** Seeders and leechers of each swarm across the cluster. */
  counts(infoHashes: string[], now: number): Promise<Map<string, SwarmCounts>>;
  /**
   * Queues a message for another process's inbox; the turn's messages to one process leave together. A message
   * that cannot be sent (Redis down, a field over its limit) is dropped: the offer goes unanswered, as one lost
   * in transit.
   */
  send(process: string, message: ClusterMessage): void;
}
