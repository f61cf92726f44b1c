// One connected peer that speaks sd_pex, as peer exchange sees it: where to send its messages, what we told it, and
// the rates its messages are held to (docs/protocols.md; over a rate, the peer is closed, or refused for a relay).
import type { PeerIdHex, PeerKey } from '../contract/engine-types';
import { Bucket, type Rate } from './bucket';
import { GossipOut } from './gossip';

/** Peers messages a neighbour may send: the whole list at the start (it may take a few), then one a round. */
export const GOSSIP_RATE: Rate = { perRound: 1, burst: 4 };
/** Relay messages a neighbour may send us (each an offer, answer or decline for us to pass on). */
export const RELAY_RATE: Rate = { perRound: 4, burst: 8 };
/** Signals we pass on to one neighbour, whoever they come from: past it, the relay answers busy. */
export const FORWARD_RATE: Rate = { perRound: 4, burst: 8 };
/** Signals one relay may bring us. */
export const SIGNAL_RATE: Rate = { perRound: 4, burst: 8 };
/** Relay messages a minute naming a peer we are not connected to (a race now and then; more is probing). */
export const MISS_RATE: Rate = { perRound: 8, burst: 8 };
export const MISS_PERIOD_MS = 60_000;

export class Neighbour {
  readonly gossip = new GossipOut();
  readonly gossipIn: Bucket;
  readonly relayIn: Bucket;
  readonly forwards: Bucket;
  readonly signalsIn: Bucket;
  readonly misses: Bucket;

  constructor(
    readonly key: PeerKey,
    readonly id: Uint8Array,
    readonly idHex: PeerIdHex,
    /** The extended message id it wants sd_pex under. */
    readonly ext: number,
    /** When it became a neighbour. */
    readonly since: number,
  ) {
    const now = since;
    this.gossipIn = new Bucket(GOSSIP_RATE, now);
    this.relayIn = new Bucket(RELAY_RATE, now);
    this.forwards = new Bucket(FORWARD_RATE, now);
    this.signalsIn = new Bucket(SIGNAL_RATE, now);
    this.misses = new Bucket(MISS_RATE, now, MISS_PERIOD_MS);
  }
}
