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
// Pure policy: it is told what peers announce and what was sent, and answers which pieces to announce to whom. The
// state is bounded: per connected peer two bitfields of the torrent's pieces (what it announced, what we announced to
// it) and at most OFFERS_PER_PEER offers; the per-piece counters are the torrent's size.
import { Bitfield } from '../../codec/bitfield';

/** Offers a peer holds at once: with two, a peer downloads one while its `have` for the other crosses back and the
 * next offer comes (libtorrent keeps two as well). */
export const OFFERS_PER_PEER = 2;
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
  /** When its last block went to the peer (undefined: not yet). */
  sentAt?: number;
}

interface PeerView {
  /** What the peer announced (bitfield, `have`s). */
  readonly held: Bitfield;
  /** What we announced to it: the pieces we serve it. */
  readonly told: Bitfield;
  offers: Offer[];
}

export class SuperSeed<K> {
  private readonly peers = new Map<K, PeerView>();
  /** Connected peers that announced each piece. */
  private readonly holders: Uint32Array;
  /** Times each piece was offered to a peer. */
  private readonly offered: Uint32Array;
  /** Pieces some connected peer announced. */
  private covered = 0;
  private on = true;

  constructor(
    private readonly pieceCount: number,
    private readonly random: () => number,
  ) {
    this.holders = new Uint32Array(pieceCount);
    this.offered = new Uint32Array(pieceCount);
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

  /** Do we serve this piece to the peer: we announced it to it (or super-seeding is over). A request for a piece we
   * did not announce is refused, as for a piece we lack: serving it would spend the seed's uplink on copies the
   * offers exist to avoid, and no honest client asks for what it was not told of. */
  serves(peer: K, index: number): boolean {
    return !this.on || this.peers.get(peer)?.told.get(index) === true;
  }

  /** A peer connected: the pieces to announce to it in place of our bitfield. */
  join(peer: K): Announce<K>[] {
    if (!this.on || this.peers.has(peer)) return [];
    const view = { held: new Bitfield(this.pieceCount), told: new Bitfield(this.pieceCount), offers: [] };
    this.peers.set(peer, view);
    return this.fill(peer, view, []);
  }

  /** The peer is the only downloader: it is told every piece (returned: those it was not told yet) and served
   * whatever it asks. Offers to a lone downloader would only cost it a round trip per piece, with nobody to spread
   * the pieces to; it still counts in what the peers hold between them. */
  tellAll(peer: K): Announce<K>[] {
    const view = this.peers.get(peer);
    const out: Announce<K>[] = [];
    if (!this.on || !view) return out;
    for (let i = 0; i < this.pieceCount; i++) if (!view.told.get(i)) out.push({ peer, index: i });
    view.told.setAll();
    view.offers = [];
    return out;
  }

  gone(peer: K): void {
    const view = this.peers.get(peer);
    if (!view) return;
    this.peers.delete(peer);
    for (let i = 0; i < this.pieceCount; i++) if (view.held.get(i)) this.unhold(i);
  }

  /** The connected peers hold every piece between them: time to `stop`. */
  get covering(): boolean {
    return this.covered === this.pieceCount;
  }

  /** The peer announced a piece (`have`): its offer of it, and any other peer's, is done; new offers follow. */
  have(peer: K, index: number, out: Announce<K>[] = []): Announce<K>[] {
    const view = this.peers.get(peer);
    if (!this.on || !view || !(index >= 0 && index < this.pieceCount) || view.held.get(index)) return out;
    this.hold(view, index);
    if (this.covering) return out;
    for (const [key, other] of this.peers) {
      if (!other.offers.some((offer) => offer.index === index)) continue;
      other.offers = other.offers.filter((offer) => offer.index !== index);
      this.fill(key, other, out);
    }
    return out;
  }

  /** The peer's bitfield (or `have-all`: every piece): each piece it announces, as a `have`. */
  bitfield(peer: K, field: Bitfield | 'all'): Announce<K>[] {
    const out: Announce<K>[] = [];
    for (let i = 0; i < this.pieceCount; i++) if (field === 'all' || field.get(i)) this.have(peer, i, out);
    return out;
  }

  /** A block of a piece went to the peer; `last`: the piece's last block. */
  sent(peer: K, index: number, last: boolean, now: number): void {
    if (!last) return;
    const offer = this.peers.get(peer)?.offers.find((o) => o.index === index);
    if (offer && offer.sentAt === undefined) offer.sentAt = now;
  }

  /** Offers whose piece went to the peer OFFER_PATIENCE_MS ago with no `have` for it are dropped, and new ones made. */
  tick(now: number): Announce<K>[] {
    const out: Announce<K>[] = [];
    if (!this.on) return out;
    for (const [key, view] of this.peers) {
      if (view.told.isComplete()) continue;
      const kept = view.offers.filter((o) => o.sentAt === undefined || now - o.sentAt < OFFER_PATIENCE_MS);
      if (kept.length === view.offers.length) continue;
      view.offers = kept;
      this.fill(key, view, out);
    }
    return out;
  }

  /** Super-seeding ends: for each connected peer, the pieces not announced to it yet (our real bitfield, as
   * `have`s, so nothing is held back); the state is dropped. */
  stop(): Announce<K>[] {
    const out: Announce<K>[] = [];
    if (!this.on) return out;
    this.on = false;
    for (const [key, view] of this.peers)
      for (let i = 0; i < this.pieceCount; i++) if (!view.told.get(i)) out.push({ peer: key, index: i });
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

  /** Tops the peer's offers up to OFFERS_PER_PEER with the rarest pieces it lacks. */
  private fill(peer: K, view: PeerView, out: Announce<K>[]): Announce<K>[] {
    while (view.offers.length < OFFERS_PER_PEER) {
      const index = this.pick(view);
      if (index === undefined) break;
      view.offers.push({ index });
      this.offered[index]++;
      if (!view.told.get(index)) {
        view.told.set(index);
        out.push({ peer, index });
      }
    }
    return out;
  }

  /** The piece the peer neither holds nor was offered that the fewest connected peers hold, then offered fewest
   * times, ties broken at random (so that seeds and peers meeting at once do not all start at piece 0). */
  private pick(view: PeerView): number | undefined {
    let best: number | undefined;
    let bestHolders = Infinity;
    let bestOffered = Infinity;
    let ties = 0;
    for (let i = 0; i < this.pieceCount; i++) {
      if (view.held.get(i) || view.told.get(i)) continue;
      const holders = this.holders[i];
      const offered = this.offered[i];
      if (holders > bestHolders || (holders === bestHolders && offered > bestOffered)) continue;
      if (holders < bestHolders || offered < bestOffered) {
        best = i;
        bestHolders = holders;
        bestOffered = offered;
        ties = 1;
      } else if (this.random() * ++ties < 1) best = i;
    }
    return best;
  }
}
