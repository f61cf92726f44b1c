// Tit-for-tat choking as a pure function of peer statistics (after Cohen 2003 and libtorrent's choker).
//
// Leeching: the `slots` interested, non-snubbed peers that upload to us fastest are unchoked. Slots that no uploader
// fills go (by default) to peers that cannot upload to us yet because they have nothing we want; a peer that has what
// we want and still uploads nothing (a free rider) only ever gets the optimistic slot. `spareSlots` changes that.
// Seeding: peers are ranked by how fast we upload to them, but every unchoked peer keeps its slot for one turn
// (`seedTurnMs`) and then yields to the interested peers that have waited longest, so every leecher gets served.
// In both modes one more interested peer, outside the regular set, is unchoked optimistically; it is kept between
// rounds until `rotateOptimistic`, and peers connected less than `newPeerMs` ago are three times as likely picks.
// Snubbed peers can only get the optimistic slot; peers that are not interested are choked and use no slot.

export interface ChokerPeer {
  peer: string;
  interested: boolean; // the peer is interested in us
  downloadRate: number; // bytes/s we get from it (leeching: rank by this)
  uploadRate: number; // bytes/s we send to it (seeding: rank by this)
  snubbed: boolean;
  connectedAt: number;
  unchoked: boolean; // currently unchoked by us
  lastUnchokedAt?: number; // when we last unchoked it (seeding rotation)
  /** When we last choked it, when it last sent a request we took, when it last said `interested` (a repeat too):
   * slot-use.ts chokes and bars a peer that holds a slot without asking. Unknown: never. */
  lastChokedAt?: number;
  lastRequestAt?: number;
  interestedAt?: number;
  /** We are interested in the peer (it has pieces we need). Unknown counts as interested. */
  amInterested?: boolean;
  /** Bytes of blocks we sent it, and it sent us, since it connected (unknown: 0). */
  uploaded?: number;
  downloaded?: number;
  /** Seeding: pieces we sent it that have not reappeared in other peers' `have`s, and pieces it passed on
   * (forwarding.ts). Unknown: 0. */
  forwardPending?: number;
  forwarded?: number;
  /** The pieces a slot of our measured upload carries in the forwarding window (forwardAllowance in forwarding.ts):
   * seeding, what a peer may hold beyond the fixed limit; leeching, whether our slots are fast (slot-nobody-wants.ts).
   * Unknown: 0. */
  forwardAllowance?: number;
  /** How long it has held its current slot, ms (undefined while choked), and how long that slot took, from our
   * unchoke, to bring its first request (undefined until it asked): slot-hold.ts keeps a slot at least a few times
   * that cost. */
  unchokedForMs?: number;
  slotCostMs?: number;
  /** How many fewer pieces than ours the peer has (negative: more; credit.ts spares a peer well behind us the
   * reciprocation share). Unknown: 0. */
  piecesBehind?: number;
}

/** Leeching: who may take regular slots that no peer uploading to us fills. 'none': strict tit-for-tat;
 * 'uninteresting': peers that have nothing we want (they cannot reciprocate yet; a peer that could and does not is a
 * free rider and gets none); 'all': any interested peer (Cohen's original choker). */
export type SpareSlots = 'none' | 'uninteresting' | 'all';

export interface ChokerInput {
  peers: ChokerPeer[];
  seeding: boolean;
  slots: number; // regular unchoke slots, default 4
  optimistic: string | undefined; // current optimistic unchoke
  rotateOptimistic: boolean; // true every 30 s round
  now: number;
  random: () => number;
  newPeerMs?: number; // peers connected less than this are 3x as likely to be the optimistic pick (default 60000)
  /** Leeching: who gets regular slots no uploader fills. Default 'uninteresting'. */
  spareSlots?: SpareSlots;
  /** Seeding: how long an unchoked peer keeps its slot before it yields to a waiting peer. Default 30000. */
  seedTurnMs?: number;
  /** The torrent's piece length, bytes, for policies that count in pieces (credit.ts). */
  pieceLength?: number;
}

export interface ChokerResult {
  unchoke: Set<string>;
  optimistic: string | undefined;
  /** Optional upload rate caps, bytes/s, per unchoked peer (a strategic choker's; the default choker sets none). */
  uploadCaps?: Map<string, number>;
  /** Optional upload split: a weight per unchoked peer; the uploader divides its upload among the peers that have
   * requests waiting in proportion to their weights (PropShare). Peers without a weight are not capped. */
  uploadShares?: Map<string, number>;
}

const NEW_PEER_WEIGHT = 3;

export function chooseUnchoked(input: ChokerInput): ChokerResult {
  const { peers, seeding, now, random } = input;
  if (!Number.isInteger(input.slots) || input.slots < 0)
    throw new RangeError(`invalid unchoke slots ${input.slots}`);
  const seen = new Set<string>();
  for (const p of peers) {
    if (seen.has(p.peer)) throw new Error(`peer ${p.peer} listed twice`);
    seen.add(p.peer);
  }
  const newPeerMs = input.newPeerMs ?? 60_000;
  const turnMs = input.seedTurnMs ?? 30_000;
  // One random key per peer for fair tie-breaks.
  const tie = new Map<string, number>();
  for (const p of peers) tie.set(p.peer, random());

  const eligible = peers.filter((p) => p.interested && !p.snubbed);
  let regular: ChokerPeer[];
  if (!seeding) {
    const spare = input.spareSlots ?? 'uninteresting';
    const ranked = eligible.filter((p) => mayTakeLeechingSlot(p, spare));
    ranked.sort(
      (a, b) =>
        b.downloadRate - a.downloadRate ||
        Number(b.unchoked) - Number(a.unchoked) || // keep the current set when rates tie
        tie.get(a.peer)! - tie.get(b.peer)!,
    );
    regular = ranked.slice(0, input.slots);
  } else {
    // Group 0: unchoked peers still within their turn; 1: choked peers, longest waiting first; 2: unchoked peers whose
    // turn is over. Within groups 0 and 2 the faster uploads come first.
    const group = (p: ChokerPeer): number => {
      if (!p.unchoked) return 1;
      return p.lastUnchokedAt !== undefined && now - p.lastUnchokedAt >= turnMs ? 2 : 0;
    };
    const ranked = [...eligible];
    ranked.sort((a, b) => {
      const ga = group(a);
      const gb = group(b);
      if (ga !== gb) return ga - gb;
      if (ga === 1) {
        const wa = a.lastUnchokedAt ?? -Infinity;
        const wb = b.lastUnchokedAt ?? -Infinity;
        if (wa !== wb) return wa < wb ? -1 : 1;
      }
      return b.uploadRate - a.uploadRate || tie.get(a.peer)! - tie.get(b.peer)!;
    });
    regular = ranked.slice(0, input.slots);
  }
  const unchoke = new Set(regular.map((p) => p.peer));

  // The optimistic unchoke: any interested peer outside the regular set, snubbed ones included.
  const candidates = peers.filter((p) => p.interested && !unchoke.has(p.peer));
  let optimistic: string | undefined;
  const current = input.optimistic;
  if (!input.rotateOptimistic && current !== undefined && candidates.some((p) => p.peer === current)) {
    optimistic = current;
  } else {
    const pool = candidates.length > 1 ? candidates.filter((p) => p.peer !== current) : candidates;
    optimistic = weightedPick(pool, now, newPeerMs, random);
  }
  if (optimistic !== undefined) unchoke.add(optimistic);
  return { unchoke, optimistic };
}

function weightedPick(
  pool: ChokerPeer[],
  now: number,
  newPeerMs: number,
  random: () => number,
): string | undefined {
  if (pool.length === 0) return undefined;
  const weight = (p: ChokerPeer): number => (now - p.connectedAt < newPeerMs ? NEW_PEER_WEIGHT : 1);
  let total = 0;
  for (const p of pool) total += weight(p);
  let r = random() * total;
  for (const p of pool) {
    r -= weight(p);
    if (r < 0) return p.peer;
  }
  return pool[pool.length - 1].peer;
}

/** Leeching: a peer may take a regular slot if it uploads to us, or (spare slots) by the `spare` rule. */
function mayTakeLeechingSlot(p: ChokerPeer, spare: SpareSlots): boolean {
  return p.downloadRate > 0 || spare === 'all' || (spare === 'uninteresting' && p.amInterested === false);
}

// ---------------------------------------------------------------------------------------------------------------
// Between choke rounds

/** What happened to a peer since the last decision. 'slot-freed': an unchoked peer left (it is no longer listed).
 * 'overdrawn': an unchoked peer went over the policy's credit (`ChokePolicy.overdrawn`). */
export type ChokeTrigger =
  | { kind: 'interested'; peer: string }
  | { kind: 'not-interested'; peer: string }
  | { kind: 'overdrawn'; peer: string }
  | { kind: 'slot-freed' };

export interface BetweenRoundsInput {
  /** The connected (handshaken) peers, in connection order. */
  peers: ChokerPeer[];
  seeding: boolean;
  slots: number; // regular unchoke slots
  spareSlots?: SpareSlots;
  trigger: ChokeTrigger;
  pieceLength?: number;
}

export interface ChokeChanges {
  /** Peers to choke now (before any unchoke). */
  choke: string[];
  /** Peers to unchoke now, in this order. */
  unchoke: string[];
}

export const NO_CHOKE_CHANGES: Readonly<ChokeChanges> = Object.freeze({ choke: [], unchoke: [] });

/**
 * The peer as a wrapped policy should see it when a wrapper holds it back (credit, forwarding): not interested, so it
 * takes no slot, regular, optimistic or spare.
 */
export function asUninterested(peer: ChokerPeer): ChokerPeer {
  return { ...peer, interested: false };
}

/**
 * What `inner` does with `peer`'s slot once a wrapper takes it back (an overdrawn peer): whom it unchokes in its
 * place, and whether we would still serve anyone interested (`view`: the peers as the wrapper shows them to `inner`).
 */
export function slotTakenBack(
  inner: ChokePolicy,
  input: BetweenRoundsInput,
  view: readonly ChokerPeer[],
  peer: string,
): { changes: ChokeChanges; served: boolean } {
  const freed = view.map((p) => (p.peer === peer ? { ...asUninterested(p), unchoked: false } : p));
  const changes = inner.betweenRounds({ ...input, peers: freed, trigger: { kind: 'slot-freed' } });
  return { changes, served: freed.some((p) => p.unchoked && p.interested) };
}

/**
 * Tit-for-tat between choke rounds: a free regular slot goes at once to a waiting interested peer, so a new swarm
 * starts moving without waiting for the next round and a slot is never left to a peer that wants nothing (a peer
 * that loses interest is choked; libtorrent does the same). Leeching, the same rule as the round's spare slots: the
 * peer that uploads to us fastest, or one that cannot yet (it has nothing we want); one that could and does not (a
 * free rider) waits for the optimistic slot. Seeding: the peer waiting longest.
 */
export function chooseBetweenRounds(input: BetweenRoundsInput): ChokeChanges {
  const { peers, trigger } = input;
  const choke: string[] = [];
  if (trigger.kind === 'overdrawn') return { choke, unchoke: [] }; // tit-for-tat keeps no accounts
  if (trigger.kind !== 'slot-freed') {
    const changed = peers.find((p) => p.peer === trigger.peer);
    if (changed === undefined) return { choke, unchoke: [] };
    if (trigger.kind === 'interested' && changed.unchoked) return { choke, unchoke: [] };
    if (trigger.kind === 'not-interested') {
      if (!changed.unchoked) return { choke, unchoke: [] };
      choke.push(changed.peer);
    }
  }
  const unchoked = peers.filter((p) => p.unchoked && !choke.includes(p.peer)).length;
  let free = input.slots - unchoked;
  if (free <= 0) return { choke, unchoke: [] };
  const seeding = input.seeding;
  const spare = input.spareSlots ?? 'uninteresting';
  const candidates = peers.filter(
    (p) => !p.unchoked && p.interested && (seeding || mayTakeLeechingSlot(p, spare)),
  );
  // Seeding: longest waiting first (never unchoked counts as waiting longest); leeching: fastest uploader first.
  const waited = (p: ChokerPeer): number => p.lastUnchokedAt ?? -Infinity;
  candidates.sort((a, b) => (seeding ? waited(a) - waited(b) || 0 : b.downloadRate - a.downloadRate));
  const unchoke: string[] = [];
  for (const p of candidates) {
    if (free-- <= 0) break;
    unchoke.push(p.peer);
  }
  return { choke, unchoke };
}

// ---------------------------------------------------------------------------------------------------------------
// Policies

/**
 * Every choke decision of a session: the round (every `chokeIntervalMs`), the decision between rounds (a peer became
 * interested or not, an unchoked peer left), and an optional upload cap for every peer. The session asks the policy
 * and applies the answer; lab strategies (free rider, no choking, a strategic choker) are other policies.
 */
export interface ChokePolicy {
  round(input: ChokerInput): ChokerResult;
  betweenRounds(input: BetweenRoundsInput): ChokeChanges;
  /** Upload rate cap in bytes/s for every peer; a round's `uploadCaps` override it per peer. Default: none. */
  readonly uploadCap?: number;
  /** After every block we send an unchoked peer: did it go over our credit (leeching, credit.ts) or over the
   * pieces it may hold without passing them on (seeding, forwarding.ts)? If so the session asks `betweenRounds` with
   * an 'overdrawn' trigger (choke it if someone else wants the slot). Default: never. */
  overdrawn?(peer: ChokerPeer, pieceLength: number | undefined, seeding?: boolean): boolean;
}

/** The default: tit-for-tat rounds (`chooseUnchoked`) and free slots filled between rounds (`chooseBetweenRounds`). */
export const titForTat: ChokePolicy = Object.freeze<ChokePolicy>({
  round: chooseUnchoked,
  betweenRounds: chooseBetweenRounds,
});
