// A seed policy that favours peers who pass its pieces on (after give-to-get, Mol et al. 2008, and BEP 16's
// super-seeding: a seed sees its pieces reappear through other peers' `have` messages).
//
// The ledger: for every peer, the pieces we sent it while no other connected peer had announced them (so a later
// `have` for such a piece can only come from our copy travelling on). When another peer, to which we never sent that
// piece, announces it, the piece reappeared: the peers we sent it to share one forwarded piece and the piece is no
// longer pending for them. A free rider never forwards, so its pending pieces pile up.
//
// The policy: a seed gives its slots (regular, optimistic, between rounds) only to peers within a limit: at most
// `pendingPieces` pieces from us that have not reappeared, or (`piecesPerForward`) every piece we sent it less that
// many per piece it passed on (a piece everyone already has cannot be traced). A newcomer has taken nothing, so a
// fresh swarm still starts. After every block we send, a peer gone over is choked if a peer within the limit waits,
// or if more peers want our upload than we have slots; otherwise it keeps its slot. Peers over the limit take slots
// nobody else wants (an idle uplink helps nobody), those that forwarded most first.
import type { ChokePolicy, ChokerPeer } from './choker';
import { NO_CHOKE_CHANGES, asUninterested, slotTakenBack } from './choker';
import { holdsSlot } from './slot-hold';

/** Pieces remembered per peer: the oldest is forgotten beyond this, so a peer's table stays bounded whatever it
 * requests. Well above the pending limit, so a free rider cannot clear its debt by taking more. */
export const MAX_TRACKED_PIECES_PER_PEER = 256;
/** A seed serves a peer while at most this many of the pieces it sent it have not reappeared elsewhere. */
export const DEFAULT_PENDING_PIECES = 2;
/** The time a piece takes to reappear: the peer takes it whole, announces it, and another peer asks it for the piece,
 * takes it and announces it to us, over paths of a few hundred milliseconds and uplinks slower than ours. */
export const FORWARD_WINDOW_MS = 4_000;
/** The piece length assumed when the policy is not told it. */
const UNKNOWN_PIECE_LENGTH = 16 * 1024;

interface Account {
  /** Pieces we sent the peer that have not reappeared, oldest first. */
  pending: Set<number>;
  /** Pieces the peer passed on (a share of each, when we sent one piece to several peers). */
  forwarded: number;
}

export class ForwardingLedger {
  private readonly accounts = new Map<string, Account>();
  /** Pending pieces over all accounts: a `have` costs nothing while none is tracked. */
  private tracked = 0;

  constructor(private readonly maxPieces = MAX_TRACKED_PIECES_PER_PEER) {
    if (!Number.isInteger(maxPieces) || maxPieces < 1) throw new RangeError(`invalid bound ${maxPieces}`);
  }

  private account(peer: string): Account {
    let account = this.accounts.get(peer);
    if (!account) {
      account = { pending: new Set(), forwarded: 0 };
      this.accounts.set(peer, account);
    }
    return account;
  }

  /** We sent the peer a block of piece `index`; `holders` connected peers had announced the piece. Only a piece
   * nobody had is tracked: its later `have`s can only come from our copy. */
  sent(peer: string, index: number, holders: number): void {
    if (holders > 0) return;
    const { pending } = this.account(peer);
    if (pending.has(index)) return;
    if (pending.size >= this.maxPieces) {
      pending.delete(pending.values().next().value as number);
      this.tracked--;
    }
    pending.add(index);
    this.tracked++;
  }

  /** The peer announced piece `index`. If we never sent it that piece, the peers we sent it to passed it on. */
  have(peer: string, index: number): void {
    if (this.tracked === 0) return;
    if (this.accounts.get(peer)?.pending.has(index)) return; // our own copy arrived
    const senders = [...this.accounts.values()].filter((a) => a.pending.has(index));
    for (const account of senders) {
      account.pending.delete(index);
      this.tracked--;
      account.forwarded += 1 / senders.length;
    }
  }

  /** The peer left: its account goes with it. */
  forget(peer: string): void {
    this.tracked -= this.accounts.get(peer)?.pending.size ?? 0;
    this.accounts.delete(peer);
  }

  pending(peer: string): number {
    return this.accounts.get(peer)?.pending.size ?? 0;
  }

  forwarded(peer: string): number {
    return this.accounts.get(peer)?.forwarded ?? 0;
  }

  /** Peers with an account (for tests of the bound). */
  get size(): number {
    return this.accounts.size;
  }
}

/**
 * The pending pieces a slot of our upload carries while its pieces reappear: what `capacity` (our measured upload,
 * bytes/s) sends one of `slots` slots and the optimistic one in FORWARD_WINDOW_MS, in whole pieces. A fixed limit of
 * two pieces is a twentieth of a second of a fast seed's slot, while a piece takes seconds to reappear, so the seed
 * would choke every peer long before it could pass anything on; in time, the limit holds a free rider to the same
 * few seconds of a slot whatever the rates (two pieces at the lab's 32 KiB/s seed and 16 KiB pieces).
 */
export function forwardAllowance(capacity: number, slots: number, pieceLength: number): number {
  if (!(capacity > 0) || !(pieceLength > 0) || !Number.isFinite(capacity)) return 0;
  const perSlot = capacity / (Math.max(0, slots) + 1);
  return Math.floor((perSlot * FORWARD_WINDOW_MS) / 1000 / pieceLength);
}

export interface ForwardingOptions {
  /** Pieces sent to a peer that may be pending (not reappeared) while the seed still serves it. */
  pendingPieces?: number;
  /** Count every piece we sent the peer, not only the tracked ones, against `pendingPieces`; each piece it passed on
   * pays for this many (a piece everyone already has cannot be traced, so it is paid from what was traced). */
  piecesPerForward?: number;
}

/** `inner`, and while seeding the forwarding rule above. Leeching is left to `inner`. */
export function withForwarding(inner: ChokePolicy, options: ForwardingOptions = {}): ChokePolicy {
  const limit = options.pendingPieces ?? DEFAULT_PENDING_PIECES;
  if (!(limit >= 0)) throw new RangeError(`invalid pending limit ${limit}`);
  const perForward = options.piecesPerForward;
  if (perForward !== undefined && !(perForward >= 0)) throw new RangeError(`invalid ratio ${perForward}`);
  const overLimit = (p: ChokerPeer, pieceLength = UNKNOWN_PIECE_LENGTH) => {
    if (holdsSlot(p)) return false;
    return perForward === undefined
      ? (p.forwardPending ?? 0) > Math.max(limit, p.forwardAllowance ?? 0)
      : (p.uploaded ?? 0) / pieceLength - perForward * (p.forwarded ?? 0) > limit;
  };
  const split = (peers: readonly ChokerPeer[], pieceLength: number | undefined) => {
    const held: ChokerPeer[] = [];
    const view = peers.map((p) => {
      if (!p.interested || !overLimit(p, pieceLength)) return p;
      held.push(p);
      return asUninterested(p);
    });
    // Those that forwarded most first, then those with least pending.
    held.sort(
      (a, b) => (b.forwarded ?? 0) - (a.forwarded ?? 0) || (a.forwardPending ?? 0) - (b.forwardPending ?? 0),
    );
    return { view, held };
  };
  const round: ChokePolicy['round'] = (input) => {
    if (!input.seeding) return inner.round(input);
    const { view, held } = split(input.peers, input.pieceLength);
    const result = inner.round({ ...input, peers: view });
    if (held.length === 0) return result;
    const regular = result.unchoke.size - (result.optimistic === undefined ? 0 : 1);
    let free = input.slots - regular;
    const unchoke = new Set(result.unchoke);
    for (const p of held) {
      if (free-- <= 0) break;
      unchoke.add(p.peer);
    }
    return { ...result, unchoke };
  };
  const betweenRounds: ChokePolicy['betweenRounds'] = (input) => {
    if (!input.seeding) return inner.betweenRounds(input);
    const { view, held } = split(input.peers, input.pieceLength);
    const { trigger } = input;
    if (trigger.kind !== 'overdrawn') {
      // Slots nobody within the limit takes go to held peers at once, not at the next round: an idle uplink helps
      // nobody (in a swarm of a few peers, every peer is held most of the time).
      const changes = inner.betweenRounds({ ...input, peers: view });
      const unchoked = new Set(input.peers.filter((p) => p.unchoked).map((p) => p.peer));
      for (const peer of changes.choke) unchoked.delete(peer);
      for (const peer of changes.unchoke) unchoked.add(peer);
      let free = input.slots - unchoked.size;
      const unchoke = [...changes.unchoke];
      for (const p of held) {
        if (free <= 0) break;
        if (unchoked.has(p.peer) || changes.choke.includes(p.peer)) continue;
        unchoke.push(p.peer);
        free--;
      }
      return unchoke.length === changes.unchoke.length ? changes : { choke: changes.choke, unchoke };
    }
    // Over the limit (and past its slot's hold, slot-hold.ts): choked if a peer within it waits for the slot.
    // Nobody waits: in a crowd (more peers want our upload than we have slots for) it is choked all the same, our
    // upload going to the peers we serve; in a few peers' swarm it is kept (a seed that serves fewer peers there
    // leaves their uplinks idle, which slowed five peers by a fifth). An uplink left idle by it opens slots
    // (idle-slots.ts).
    const { changes, served } = slotTakenBack(inner, input, view, trigger.peer);
    const crowd = input.peers.filter((p) => p.interested).length > input.slots + 1;
    if (changes.unchoke.length === 0 && !(crowd && served)) return NO_CHOKE_CHANGES;
    return { choke: [trigger.peer], unchoke: changes.unchoke };
  };
  return Object.freeze<ChokePolicy>({
    round,
    betweenRounds,
    uploadCap: inner.uploadCap,
    overdrawn: (peer, pieceLength, seeding) =>
      (seeding === true && overLimit(peer, pieceLength)) ||
      inner.overdrawn?.(peer, pieceLength, seeding) === true,
  });
}
