// Super-seeding (BEP 16) for the original seeder: instead of announcing every piece, the seed tells each peer of a
// piece nobody else has yet (rarest first from its view, then the piece offered fewest times), and tells it of
// another only once that one was seen elsewhere (another peer's `have` for it) or the peer itself announced it
// (libtorrent's default; BEP 16's strict form waits for another peer's `have` alone). So the seed's uplink carries
// about one copy of the file before the others hold every piece between them, instead of whatever pieces the first
// peers happened to ask for. It only changes what the seed announces (and so what it serves): every client can
// download from it.
//
// A peer that never announces what it got (a liar, or a client that leaves out `have`s) would hold its offers for
// ever: once the seed has sent it the last block of an offered piece, the offer is dropped after OFFER_PATIENCE_MS
// and a new one made, so such a peer still gets the whole file, a piece or two per patience at worst.
//
// How many offers each peer holds is the session's to set (`target`, from super-seed-plan.ts: the peers the seed
// unchokes enough to cover their slot's round trip, a few choked ones next in line one, the rest none); this module
// measures each peer's round trip for it, from the offer's `have` to the peer's request and from the piece's last
// block to the peer's `have`. An offer the peer does not ask for within REQUEST_PATIENCE_MS of its being able to
// (unchoked) is taken back and another made: a peer that fetches the piece elsewhere, or never asks, does not hold
// it from the others for good.
//
// libtorrent (2.0) closes a peer whose `have`s add up to every piece if at that moment it wants nothing from it
// ("uninteresting upload-only peer"): the `have` that completes the set makes the peer a seed in its eyes, and it
// decides on closing before it looks at whether it lacks the piece that `have` names. A super-seeded downloader that
// fetched every piece it was told of wants nothing, so the `have` for the last piece not told it must never go
// alone: a peer is never left with exactly one piece untold (the last two go together), and a batch that tells a
// peer its last pieces names those it lacks first, so it wants something again by the `have` that completes the set.
//
// Pure policy: it is told what peers announce, ask and were sent, and answers which pieces to announce to whom. The
// state is bounded: per connected peer two bitfields of the torrent's pieces (what it announced, what we announced to
// it) and at most MAX_OFFERS offers; the per-piece counters are the torrent's size.
import { Bitfield } from '../../codec/bitfield';
import { MAX_OFFERS } from './super-seed-plan';

/** Offers a peer holds when nobody sets its target (`join`'s default): one downloading while its `have` for the
 * other crosses back and the next offer comes (libtorrent keeps two as well). */
export const OFFERS_PER_PEER = 2;
/** An offer an unchoked peer has not asked for after this long is taken back (ms). */
export const REQUEST_PATIENCE_MS = 5_000;
/** A peer's round trip before it is measured (ms): a path's few latencies and a queue. */
export const DEFAULT_ROUND_TRIP_MS = 2_000;
/** Weight of each new measure of a round trip. */
const ROUND_TRIP_WEIGHT = 0.5;
/** After the last block of an offered piece went to the peer, this long without its `have` (or another peer's)
 * drops the offer and makes a new one (ms). A few round trips of a queued path: an honest peer's `have` comes
 * sooner, and a new offer made early costs one more outstanding offer, not an upload. */
export const OFFER_PATIENCE_MS = 3_000;

/** A piece to announce (`have`) to a peer. */
export interface Announce<K> {
  peer: K;
  index: number;
}

interface Offer {
  readonly index: number;
  /** When it was made. */
  readonly madeAt: number;
  /** When the peer first asked for it (undefined: not yet). */
  requestedAt?: number;
  /** When its last block went to the peer (undefined: not yet). */
  sentAt?: number;
}

interface PeerView {
  /** What the peer announced (bitfield, `have`s). */
  readonly held: Bitfield;
  /** What we announced to it: the pieces we serve it. */
  readonly told: Bitfield;
  /** Pieces not announced to it yet. */
  untold: number;
  offers: Offer[];
  /** Offers it is to hold. */
  target: number;
  /** Since when it can ask (we unchoke it); undefined: choked. */
  askableSince?: number;
  /** Its round trip's two halves, as measured: offer to request, last block to `have` (ms). */
  askMs: number;
  answerMs: number;
}

export class SuperSeed<K> {
  private readonly peers = new Map<K, PeerView>();
  /** Connected peers that announced each piece. */
  private readonly holders: Uint32Array;
  /** Times each piece was offered to a peer. */
  private readonly offered: Uint32Array;
  /** Offers of each piece whose last block went to the peer, not yet announced by it. */
  private readonly inFlight: Uint32Array;
  /** Offers of each piece held now. */
  private readonly outstanding: Uint32Array;
  /** The time of the last call that passed one. */
  private now = 0;
  /** Pieces some connected peer announced. */
  private covered = 0;
  private on = true;

  constructor(
    private readonly pieceCount: number,
    private readonly random: () => number,
  ) {
    this.holders = new Uint32Array(pieceCount);
    this.offered = new Uint32Array(pieceCount);
    this.outstanding = new Uint32Array(pieceCount);
    this.inFlight = new Uint32Array(pieceCount);
  }

  /** Still super-seeding (it stops for good once the connected peers hold every piece between them). */
  get active(): boolean {
    return this.on;
  }

  /** Connected peers held in the policy's state. */
  get size(): number {
    return this.peers.size;
  }

  /** Offers the peer holds now (tests and bounds). */
  offersOf(peer: K): readonly number[] {
    return this.peers.get(peer)?.offers.map((offer) => offer.index) ?? [];
  }

  /** Do we serve this piece to the peer: it is on offer to it, or we announced it to it and no other peer holds it
   * (or super-seeding is over). A request for a piece we did not announce is refused, as for a piece we lack: serving
   * it would spend the seed's uplink on copies the offers exist to avoid, and no honest client asks for what it was
   * not told of. */
  serves(peer: K, index: number): boolean {
    if (!this.on) return true;
    const view = this.peers.get(peer);
    if (!view?.told.get(index)) return false;
    // An offer taken back (the peer was choked, or let it wait) is still served while nobody holds the piece and it
    // is on its way to nobody (its `have` awaited); else the peer can fetch it there, and serving it would be a
    // second upload of it.
    if (view.offers.some((offer) => offer.index === index)) return true;
    return this.holders[index] === 0 && this.inFlight[index] === 0;
  }

  /** A peer connected: the pieces to announce to it in place of our bitfield (`target` of them). */
  join(peer: K, target = OFFERS_PER_PEER): Announce<K>[] {
    if (!this.on || this.peers.has(peer)) return [];
    const view: PeerView = {
      held: new Bitfield(this.pieceCount),
      told: new Bitfield(this.pieceCount),
      untold: this.pieceCount,
      offers: [],
      target: clampTarget(target),
      askMs: DEFAULT_ROUND_TRIP_MS / 2,
      answerMs: DEFAULT_ROUND_TRIP_MS / 2,
    };
    this.peers.set(peer, view);
    return this.fill(peer, view, []);
  }

  /** The peer is known (joined, not gone). */
  knows(peer: K): boolean {
    return this.peers.has(peer);
  }

  /** We unchoke the peer, as last told (`setTarget`). */
  askable(peer: K): boolean {
    return this.peers.get(peer)?.askableSince !== undefined;
  }

  /** The peer's round trip as measured (ms): offer to request, and last block to its `have`. */
  roundTripMs(peer: K): number {
    const view = this.peers.get(peer);
    return view ? view.askMs + view.answerMs : DEFAULT_ROUND_TRIP_MS;
  }

  /** The peer is to hold `target` offers (super-seed-plan.ts); `askable`: we unchoke it. Fewer: the offers it has
   * not asked for go, newest first (it was told of them: it may still ask). More: new ones are made. */
  setTarget(peer: K, target: number, askable: boolean, now: number): Announce<K>[] {
    const out: Announce<K>[] = [];
    const view = this.peers.get(peer);
    if (!this.on || !view || (view.told.isComplete() && view.offers.length === 0)) return out;
    this.now = now;
    if (!askable) view.askableSince = undefined;
    else view.askableSince ??= now;
    view.target = clampTarget(target);
    for (let i = view.offers.length - 1; i >= 0 && view.offers.length > view.target; i--)
      if (view.offers[i].requestedAt === undefined) this.drop(view, view.offers[i]);
    return this.fill(peer, view, out);
  }

  /** The peer asked for a block of the piece: its offer's first ask dates the first half of its round trip. */
  requested(peer: K, index: number, now: number): void {
    this.now = now;
    const view = this.peers.get(peer);
    const offer = view?.offers.find((o) => o.index === index);
    if (!view || !offer || offer.requestedAt !== undefined) return;
    offer.requestedAt = now;
    const since = Math.max(offer.madeAt, view.askableSince ?? offer.madeAt);
    view.askMs = blend(view.askMs, now - since);
  }

  /** The peer is the only downloader: it is told every piece (returned: those it was not told yet) and served
   * whatever it asks. Offers to a lone downloader would only cost it a round trip per piece, with nobody to spread
   * the pieces to; it still counts in what the peers hold between them. */
  tellAll(peer: K): Announce<K>[] {
    const view = this.peers.get(peer);
    const out: Announce<K>[] = [];
    if (!this.on || !view) return out;
    for (const index of untoldLackedFirst(view)) out.push({ peer, index });
    view.told.setAll();
    view.untold = 0;
    for (const offer of [...view.offers]) this.drop(view, offer);
    return out;
  }

  gone(peer: K): void {
    const view = this.peers.get(peer);
    if (!view) return;
    this.peers.delete(peer);
    for (const offer of [...view.offers]) this.drop(view, offer);
    for (let i = 0; i < this.pieceCount; i++) if (view.held.get(i)) this.unhold(i);
  }

  /** The connected peers hold every piece between them: time to `stop`. */
  get covering(): boolean {
    return this.covered === this.pieceCount;
  }

  /** The peer announced a piece (`have`): its offer of it, and any other peer's, is done; new offers follow. Its own
   * offer's answer dates the second half of its round trip. */
  have(peer: K, index: number, now = this.now, out: Announce<K>[] = []): Announce<K>[] {
    this.now = now;
    const view = this.peers.get(peer);
    if (!this.on || !view || !(index >= 0 && index < this.pieceCount) || view.held.get(index)) return out;
    const own = view.offers.find((offer) => offer.index === index);
    if (own?.sentAt !== undefined) view.answerMs = blend(view.answerMs, now - own.sentAt);
    this.hold(view, index);
    if (this.covering) return out;
    for (const [key, other] of this.peers) {
      const offer = other.offers.find((o) => o.index === index);
      if (!offer) continue;
      this.drop(other, offer);
      this.fill(key, other, out);
    }
    return out;
  }

  /** The peer's bitfield (or `have-all`: every piece): each piece it announces, as a `have`. */
  bitfield(peer: K, field: Bitfield | 'all'): Announce<K>[] {
    const out: Announce<K>[] = [];
    for (let i = 0; i < this.pieceCount; i++)
      if (field === 'all' || field.get(i)) this.have(peer, i, this.now, out);
    return out;
  }

  /** A block of a piece went to the peer; `last`: the piece's last block. */
  sent(peer: K, index: number, last: boolean, now: number): void {
    this.now = now;
    if (!last) return;
    const offer = this.peers.get(peer)?.offers.find((o) => o.index === index);
    if (!offer || offer.sentAt !== undefined) return;
    offer.sentAt = now;
    this.inFlight[index]++;
  }

  /** Offers whose piece went to the peer OFFER_PATIENCE_MS ago with no `have` for it, and offers an unchoked peer
   * has not asked for in REQUEST_PATIENCE_MS, are dropped, and new ones made. */
  tick(now: number): Announce<K>[] {
    this.now = now;
    const out: Announce<K>[] = [];
    if (!this.on) return out;
    for (const [key, view] of this.peers) {
      if (view.told.isComplete()) continue;
      const stale = view.offers.filter((offer) => this.overdue(view, offer, now));
      if (stale.length === 0) continue;
      for (const offer of stale) this.drop(view, offer);
      this.fill(key, view, out);
    }
    return out;
  }

  /** Past its patience: at least the fixed one, and twice the peer's measured half of the round trip (an answer
   * that takes its usual time is not taken for silence). */
  private overdue(view: PeerView, offer: Offer, now: number): boolean {
    if (offer.sentAt !== undefined)
      return now - offer.sentAt >= Math.max(OFFER_PATIENCE_MS, 2 * view.answerMs);
    if (offer.requestedAt !== undefined || view.askableSince === undefined) return false;
    const waited = now - Math.max(offer.madeAt, view.askableSince);
    return waited >= Math.max(REQUEST_PATIENCE_MS, 2 * view.askMs);
  }

  /** Super-seeding ends: for each connected peer, the pieces not announced to it yet (our real bitfield, as
   * `have`s, so nothing is held back); the state is dropped. */
  stop(): Announce<K>[] {
    const out: Announce<K>[] = [];
    if (!this.on) return out;
    this.on = false;
    for (const [key, view] of this.peers)
      for (const index of untoldLackedFirst(view)) out.push({ peer: key, index });
    this.peers.clear();
    return out;
  }

  private hold(view: PeerView, index: number): void {
    view.held.set(index);
    if (this.holders[index]++ === 0) this.covered++;
  }

  private unhold(index: number): void {
    if (this.holders[index] > 0 && --this.holders[index] === 0) this.covered--;
  }

  private drop(view: PeerView, offer: Offer): void {
    const at = view.offers.indexOf(offer);
    if (at < 0) return;
    view.offers.splice(at, 1);
    if (this.outstanding[offer.index] > 0) this.outstanding[offer.index]--;
    if (offer.sentAt !== undefined && this.inFlight[offer.index] > 0) this.inFlight[offer.index]--;
  }

  /** Tops the peer's offers up to its target with the rarest pieces it lacks. */
  private fill(peer: K, view: PeerView, out: Announce<K>[]): Announce<K>[] {
    while (view.offers.length < view.target) {
      const index = this.pick(view);
      if (index === undefined) break;
      view.offers.push({ index, madeAt: this.now });
      this.offered[index]++;
      this.outstanding[index]++;
      tell(view, peer, index, out);
      // Picked pieces are ones the peer lacks: the last piece goes right behind it (libtorrent, above).
      if (view.untold === 1) tell(view, peer, view.told.firstMissing(), out);
    }
    return out;
  }

  /** The piece the peer neither holds nor was offered that the fewest connected peers hold (or were sent it whole), then is on offer to
   * fewest peers now, then was offered fewest times, ties broken at random (so that seeds and peers meeting at once
   * do not all start at piece 0). */
  private pick(view: PeerView): number | undefined {
    let best: number | undefined;
    let bestRank = [Infinity, Infinity, Infinity];
    let ties = 0;
    for (let i = 0; i < this.pieceCount; i++) {
      if (view.held.get(i) || view.told.get(i)) continue;
      // A piece that left whole to a peer counts as held by it: its `have` is on its way.
      const rank = [this.holders[i] + this.inFlight[i], this.outstanding[i], this.offered[i]];
      const order = compareRanks(rank, bestRank);
      if (order > 0) continue;
      if (order < 0) {
        best = i;
        bestRank = rank;
        ties = 1;
      } else if (this.random() * ++ties < 1) best = i;
    }
    return best;
  }
}

function tell<K>(view: PeerView, peer: K, index: number, out: Announce<K>[]): void {
  if (index < 0 || view.told.get(index)) return;
  view.told.set(index);
  view.untold--;
  out.push({ peer, index });
}

/** The pieces not announced to the peer, those it lacks first. */
function untoldLackedFirst(view: PeerView): number[] {
  const lacked: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < view.told.length; i++)
    if (!view.told.get(i)) (view.held.get(i) ? held : lacked).push(i);
  return [...lacked, ...held];
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function clampTarget(target: number): number {
  return Number.isFinite(target) ? Math.max(0, Math.min(MAX_OFFERS, Math.floor(target))) : 0;
}

function blend(average: number, sample: number): number {
  if (!(sample >= 0) || !Number.isFinite(sample)) return average;
  return average + (sample - average) * ROUND_TRIP_WEIGHT;
}
