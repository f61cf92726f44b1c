// The choke rounds of one session: every `chokeIntervalMs` the choke policy (choker.ts, policies.ts) chooses whom we
// upload to, with an optimistic slot rotated every `optimisticIntervalMs`; between rounds it may choke or unchoke at
// once (a peer's interest, a slot freed, a peer over its credit). While our upload is paced, start-up spread slots
// (spread.ts) go to peers with no piece, outside the policy's slots. A slot of either kind held without a request is
// taken back, and its holder counts as not interested until it earns another (slot-use.ts). The choke part of each
// peer (peer-choke.ts) is written here, apart from what the peer says of its own choke.
import type { WireMessage } from '../../codec/wire';
import type { ChokePolicy, ChokeTrigger, ChokerPeer } from '../choke/choker';
import { forwardAllowance, type ForwardingLedger } from '../choke/forwarding';
import type { PeerState } from '../peer/peer';
import { chooseSpread } from '../choke/spread';
import { atRound, lookAtUplink, NO_IDLE_SLOTS, type IdleSlots } from '../choke/idle-slots';
import { barredFromSlots, slotUnused, type SlotUse } from '../choke/slot-use';
import type { EngineConfig, PeerKey, SessionState } from '../contract/engine-types';
import { dropRequests } from './uploader';

/** What the choke rounds need from the session around them. */
export interface ChokePorts {
  /** Every connected peer, in connection order. */
  peers(): Iterable<PeerState>;
  peer(key: PeerKey): PeerState | undefined;
  send(peer: PeerState, message: WireMessage): void;
  state(): SessionState;
  /** The torrent's piece length, once the info is known. */
  pieceLength(): number | undefined;
  /** Is our upload paced (pacer.ts)? */
  paced(now: number): boolean;
  /** How many pieces the peer has (asked only once the info is known). */
  peerPieces(key: PeerKey): number;
  /** How many pieces we have. */
  ourPieces(): number;
  /** Our upload capacity as measured (uploader.ts UploadCapacity), bytes/s; 0 while unknown. */
  uploadCapacity?(): number;
  /** Our uplink has nothing to send: nothing queued in the transport, no request waiting (idle-slots.ts). */
  uplinkIdle?(now: number): boolean;
}

export class ChokeRounds {
  private lastRound: number | undefined;
  private lastOptimisticRotation: number | undefined;
  private optimistic: PeerKey | undefined;
  /** Start-up spread slots need choosing again. */
  private spreadDirty = false;
  /** Seeding slots open beyond the policy's while the uplink idles (idle-slots.ts). */
  private idle: IdleSlots = NO_IDLE_SLOTS;

  constructor(
    private readonly config: EngineConfig,
    private readonly policy: ChokePolicy,
    private readonly forwarding: ForwardingLedger,
    private readonly random: () => number,
    private readonly ports: ChokePorts,
  ) {}

  /** A choke round when one is due (the optimistic slot rotates when that is due too). */
  tick(now: number): void {
    this.takeBackUnusedSlots(now);
    const config = this.config;
    if (this.lastRound !== undefined && now - this.lastRound < config.chokeIntervalMs) return;
    const rotate =
      this.lastOptimisticRotation === undefined ||
      now - this.lastOptimisticRotation >= config.optimisticIntervalMs;
    if (rotate) this.lastOptimisticRotation = now;
    this.lastRound = now;
    this.idle = atRound(this.idle);
    this.round(rotate, now);
  }

  /** Between rounds, seeding: one more slot while our uplink idles and a peer waits (idle-slots.ts). */
  lookAtUplink(now: number): void {
    if (this.ports.state() !== 'seeding' || !this.ports.uplinkIdle) {
      this.idle = NO_IDLE_SLOTS;
      return;
    }
    const waiting = this.handshaken().some((peer) => peer.peerInterested && peer.amChoking && !peer.spread);
    const before = this.idle.extra;
    this.idle = lookAtUplink(this.idle, this.ports.uplinkIdle(now), waiting);
    if (this.idle.extra > before) this.betweenRounds({ kind: 'slot-freed' }, now);
  }

  /** The policy's slots, and while seeding those the idle uplink opened. */
  private slots(state: SessionState): number {
    return this.config.uploadSlots + (state === 'seeding' ? this.idle.extra : 0);
  }

  /** A choke round at the next tick. */
  roundSoon(): void {
    this.lastRound = undefined;
  }

  /** Spread slots are to be chosen again after this event (when `changed`). */
  spreadChanged(changed = true): void {
    this.spreadDirty ||= changed;
  }

  /** After each event: spread slots chosen again if something they depend on changed. */
  settle(now: number): void {
    if (this.spreadDirty) this.updateSpread(now);
  }

  /** Its `interested` or `not-interested`: the policy may unchoke or choke it now (a repeat changes nothing). */
  onInterest(peer: PeerState, interested: boolean, now: number): void {
    if (!peer.choke.setPeerInterested(interested, now)) return;
    if (interested) this.spreadDirty = true;
    else this.spreadDirty ||= peer.spread;
    this.betweenRounds({ kind: interested ? 'interested' : 'not-interested', peer: peer.key }, now);
  }

  /** Slots held without a request past the deadline are taken back (slot-use.ts); the policy fills them again. */
  private takeBackUnusedSlots(now: number): void {
    let freed = false;
    for (const peer of this.ports.peers()) {
      if (!peer.handshaken || !slotUnused(slotUse(peer), now)) continue;
      if (peer.spread) {
        peer.choke.setSpread(false);
        this.spreadDirty = true;
      } else freed = true;
      if (this.optimistic === peer.key) this.optimistic = undefined;
      this.setChoke(peer, true, now);
    }
    if (freed) this.betweenRounds({ kind: 'slot-freed' }, now);
  }

  /** The peer is gone; an upload slot it held is free. */
  peerGone(peer: PeerState, now: number): void {
    if (this.optimistic === peer.key) this.optimistic = undefined;
    if (peer.handshaken && !peer.amChoking) this.betweenRounds({ kind: 'slot-freed' }, now);
  }

  /** Between choke rounds the policy may choke and unchoke at once (see `chooseBetweenRounds`). A session that does
   * not transfer (paused, stopped, failed, no metadata yet) has no slots, but a peer that loses interest may still be
   * choked. */
  private betweenRounds(trigger: ChokeTrigger, now: number): void {
    if (trigger.kind !== 'slot-freed' && this.ports.peer(trigger.peer)?.spread) return;
    const state = this.ports.state();
    const pieceLength = this.ports.pieceLength();
    const active = serving(state, pieceLength);
    if (!active && trigger.kind !== 'not-interested') return;
    const handshaken = this.handshaken();
    const changes = this.policy.betweenRounds({
      peers: handshaken.map((peer) => this.chokerPeer(peer, now)),
      seeding: state === 'seeding',
      slots: active ? this.slots(state) : 0,
      spareSlots: this.config.spareSlots,
      trigger,
      pieceLength,
    });
    this.applyBetweenRounds(changes, handshaken, now);
  }

  /** Carries out the policy's changes between rounds: chokes (the optimistic slot too), then unchokes. */
  private applyBetweenRounds(
    changes: { choke: PeerKey[]; unchoke: PeerKey[] },
    handshaken: PeerState[],
    now: number,
  ) {
    for (const key of changes.choke) {
      const peer = this.ports.peer(key);
      if (!peer) continue;
      this.setChoke(peer, true, now);
      if (this.optimistic === key) this.optimistic = undefined;
    }
    for (const key of changes.unchoke) {
      const peer = this.ports.peer(key);
      if (!peer) continue;
      // In an upload split, a peer unchoked between rounds gets the least weight until the next round.
      peer.upload.share = leastShare(handshaken);
      this.setChoke(peer, false, now);
    }
  }

  /** Leeching, after a block sent: a peer that went over the policy's credit is the policy's to choke, between rounds
   * (`overdrawn`, credit.ts). */
  ifOverdrawn(peer: PeerState, now: number): void {
    const overdrawn = this.policy.overdrawn;
    const state = this.ports.state();
    const active = state === 'downloading' || state === 'seeding';
    if (!overdrawn || peer.amChoking || peer.spread || !active || this.ports.peer(peer.key) !== peer) return;
    if (overdrawn(this.chokerPeer(peer, now), this.ports.pieceLength(), state === 'seeding'))
      this.betweenRounds({ kind: 'overdrawn', peer: peer.key }, now);
  }

  private chokerPeer(peer: PeerState, now: number): ChokerPeer {
    // A slot change costs nothing while our uplink has a backlog (the other slots carry it meanwhile): a slot is
    // held (slot-hold.ts) only while the uplink idled since the last round or opened slots for that.
    const idled = this.idle.idledThisRound || this.idle.extra > 0;
    return new ChokerView(peer, now, this.forwarding, this.ports, this.config.uploadSlots, idled);
  }

  private handshaken(): PeerState[] {
    return [...this.ports.peers()].filter((peer) => peer.handshaken);
  }

  /** Start-up spreading (spread.ts), while our upload is paced: peers with no piece get spread slots, which the choke
   * policy does not see (to it they are choked and not interested). */
  private updateSpread(now: number): void {
    this.spreadDirty = false;
    const state = this.ports.state();
    const pieceLength = this.ports.pieceLength();
    const active = (state === 'downloading' || state === 'seeding') && this.ports.paced(now);
    const handshaken = this.handshaken();
    const chosen =
      active && pieceLength !== undefined
        ? chooseSpread(
            handshaken.map((peer) => ({
              peer: peer.key,
              interested: peer.peerInterested && !barredFromSlots(slotUse(peer), now),
              pieces: this.ports.peerPieces(peer.key),
              received: peer.uploaded,
              spread: peer.spread,
              unchoked: !peer.amChoking && !peer.spread,
            })),
            pieceLength,
            this.random,
          )
        : new Set<string>();
    for (const peer of handshaken) {
      const spread = chosen.has(peer.key);
      if (spread === peer.spread) continue;
      peer.choke.setSpread(spread);
      // A slot given back: the peer is choked, and the choke policy sees it again.
      this.setChoke(peer, !spread, now);
    }
  }

  /** Chokes or unchokes the peer (a choke drops the requests it made to us). */
  setChoke(peer: PeerState, choke: boolean, now: number): void {
    if (!peer.choke.setChoking(choke, now)) return;
    if (choke) {
      this.ports.send(peer, { type: 'choke' });
      dropRequests(peer, this.ports);
      return;
    }
    this.ports.send(peer, { type: 'unchoke' });
  }

  private round(rotate: boolean, now: number): void {
    const handshaken = this.handshaken();
    const state = this.ports.state();
    const pieceLength = this.ports.pieceLength();
    if (state === 'paused' || pieceLength === undefined) {
      for (const peer of handshaken) this.setChoke(peer, true, now);
      return;
    }
    const result = this.policy.round({
      peers: handshaken.map((peer) => this.chokerPeer(peer, now)),
      seeding: state === 'seeding',
      slots: this.slots(state),
      optimistic: this.optimistic,
      rotateOptimistic: rotate,
      now,
      random: this.random,
      spareSlots: this.config.spareSlots,
      pieceLength,
    });
    this.optimistic = result.optimistic;
    for (const peer of handshaken) {
      if (peer.spread) continue; // its spread slot is not the policy's
      const share = result.uploadShares?.get(peer.key);
      if (share !== undefined && !(share > 0)) throw new RangeError(`invalid upload share ${share}`);
      peer.upload.share = share;
      // A peer in the upload split keeps its cap: the uploader moves it with the split (splitUpload).
      if (share === undefined) {
        const cap = result.uploadCaps?.get(peer.key) ?? this.policy.uploadCap;
        if (cap !== undefined && !(cap > 0)) throw new RangeError(`invalid upload cap ${cap}`);
        peer.upload.setCap(cap, now);
      }
      this.setChoke(peer, !result.unchoke.has(peer.key), now);
    }
  }
}

/** The peer's slot times as slot-use.ts reads them (a spread slot is a slot too). */
function slotUse(peer: PeerState): SlotUse {
  const choke = peer.choke;
  return {
    unchoked: !choke.amChoking,
    lastUnchokedAt: choke.lastUnchokedAt,
    lastChokedAt: choke.lastChokedAt,
    lastRequestAt: choke.lastRequestAt,
    interestedAt: choke.interestedAt,
  };
}

/** The least weight among the unchoked peers in an upload split (undefined: there is no split). */
function leastShare(peers: readonly PeerState[]): number | undefined {
  let least: number | undefined;
  for (const peer of peers) {
    const share = peer.upload.share;
    if (share !== undefined && !peer.amChoking && (least === undefined || share < least)) least = share;
  }
  return least;
}

/** A peer as the choker sees it. Its 20-second rates are measured only when the policy reads them, once each: between
 * rounds most peers' rates are never read. */
class ChokerView implements ChokerPeer {
  readonly peer: string;
  readonly interested: boolean;
  readonly snubbed: boolean;
  readonly connectedAt: number;
  readonly unchoked: boolean;
  readonly lastUnchokedAt: number | undefined;
  readonly lastChokedAt: number | undefined;
  readonly lastRequestAt: number | undefined;
  readonly interestedAt: number | undefined;
  readonly amInterested: boolean;
  readonly uploaded: number;
  readonly downloaded: number;
  readonly forwardPending: number;
  readonly forwarded: number;
  readonly unchokedForMs: number | undefined;
  readonly slotCostMs: number | undefined;
  private down: number | undefined;
  private fewer: number | undefined;
  private up: number | undefined;
  private allowance: number | undefined;

  constructor(
    private readonly state: PeerState,
    private readonly now: number,
    forwarding: ForwardingLedger,
    private readonly pieces: Pick<ChokePorts, 'peerPieces' | 'ourPieces' | 'uploadCapacity' | 'pieceLength'>,
    private readonly slots: number,
    uplinkIdled: boolean,
  ) {
    this.peer = state.key;
    this.forwardPending = forwarding.pending(state.key);
    this.forwarded = forwarding.forwarded(state.key);
    this.snubbed = state.snubbed;
    this.connectedAt = state.connectedAt;
    this.unchoked = !state.amChoking && !state.spread;
    this.lastUnchokedAt = state.lastUnchokedAt;
    this.lastChokedAt = state.choke.lastChokedAt;
    this.lastRequestAt = state.choke.lastRequestAt;
    this.interestedAt = state.choke.interestedAt;
    // A peer in a spread slot is not the choke policy's: to it, choked and not interested. Nor is one barred for a
    // slot it held without asking (slot-use.ts).
    this.interested = state.peerInterested && !state.spread && !barredFromSlots(this, now);
    this.amInterested = state.amInterested;
    this.uploaded = state.uploaded;
    this.downloaded = state.downloaded;
    this.unchokedForMs =
      this.unchoked && state.lastUnchokedAt !== undefined
        ? Math.max(0, now - state.lastUnchokedAt)
        : undefined;
    this.slotCostMs = uplinkIdled ? state.choke.slotCostMs : undefined;
  }

  get downloadRate(): number {
    return (this.down ??= this.state.downSlow.rate(this.now));
  }

  get uploadRate(): number {
    return (this.up ??= this.state.upSlow.rate(this.now));
  }

  get forwardAllowance(): number {
    return (this.allowance ??= forwardAllowance(
      this.pieces.uploadCapacity?.() ?? 0,
      this.slots,
      this.pieces.pieceLength() ?? 0,
    ));
  }

  get piecesBehind(): number {
    return (this.fewer ??= this.pieces.ourPieces() - this.pieces.peerPieces(this.peer));
  }
}

/** We upload unless paused, stopped or failed, and once the torrent's pieces are known. */
function serving(state: SessionState, pieceLength: number | undefined): boolean {
  return !(state === 'paused' || state === 'stopped' || state === 'error' || pieceLength === undefined);
}
