// The session's part of super-seeding (upload/super-seed.ts): it is on for a session that starts with every piece
// (the original seeder) when the config turns it on (`superSeed: true`), and off for good once the connected
// peers hold every piece between them; then the pieces not announced yet go out as `have`s, so every peer learns
// our whole bitfield. It hears what peers announce and ask and which blocks went out, and sends the seed's `have`s.
// Which peers hold offers, and how many, follows whom we unchoke (super-seed-plan.ts), looked at each tick, when a
// peer asks (it was just unchoked) and when a peer joins.
import { Bitfield } from '../../codec/bitfield';
import { pieceSize, type TorrentInfo } from '../../codec/metainfo';
import type { WireMessage } from '../../codec/wire';
import type { PeerKey } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import type { Connections } from '../peer/connections';
import type { PeerState } from '../peer/peer';
import { ourExtendedHandshake, ourPieces, SD_PEX_ID } from '../peer/peer-wire';
import { SuperSeed, type Announce } from '../upload/super-seed';
import { planOffers } from '../upload/super-seed-plan';

/** What super-seeding starts with, besides the torrent. */
export interface SuperSeedStart {
  /** We hold every piece. */
  complete: boolean;
  /** The config turns it on. */
  enabled: boolean;
  random: () => number;
  /** Peers that hold or will soon hold an upload slot: the policy's slots and the optimistic one. */
  slots: number;
  /** Our upload rate as measured (bytes/s; 0 while unknown). */
  uploadRate: () => number;
}

export class SuperSeeding {
  private policy: SuperSeed<PeerKey> | undefined;
  private info: TorrentInfo | undefined;
  /** The last tick's time: when an offered piece's last block went out (the patience counts in ticks). */
  private now = 0;
  private slots = 0;
  private uploadRate: () => number = () => 0;

  constructor(
    private readonly connections: () => Connections,
    private readonly downloader: () => Downloader | undefined,
  ) {}

  /** The torrent is known: super-seeding starts if we hold every piece and the config allows it, and the torrent
   * has two pieces or more: the one `have` of a one-piece torrent would tell everything at once to a peer that
   * wants nothing from us yet, which libtorrent answers by closing (upload/super-seed.ts). */
  start(info: TorrentInfo, options: SuperSeedStart): void {
    this.info = info;
    this.slots = options.slots;
    this.uploadRate = options.uploadRate;
    if (options.complete && options.enabled && info.pieceCount > 1)
      this.policy = new SuperSeed(info.pieceCount, options.random);
  }

  get active(): boolean {
    return this.policy?.active === true;
  }

  /** Do we serve the piece to the peer (only what we announced to it, while super-seeding). */
  serves(peer: PeerState, index: number): boolean {
    return this.policy?.serves(peer.key, index) ?? true;
  }

  /** Its handshake was accepted: our extended handshake, then what we have, as our bitfield (`have-all` for a fast
   * peer) or, while super-seeding, as `have-none` and the peer's offers. `peerExchange`: sd_pex is advertised. */
  greet(peer: PeerState, clientName: string, peerExchange: boolean): void {
    if (peer.extended) {
      const size = this.downloader()?.info.infoBytes.length;
      const sdPex = peerExchange ? SD_PEX_ID : 0;
      this.connections().send(peer, ourExtendedHandshake(size, clientName, sdPex));
    }
    const policy = this.policy;
    if (!policy?.active) {
      const have = this.downloader()?.have;
      const pieces = ourPieces(peer, have, have?.count() ?? 0);
      if (pieces) this.connections().send(peer, pieces);
      return;
    }
    if (peer.fast) this.connections().send(peer, { type: 'have-none' });
    policy.join(peer.key, 0);
    this.plan();
  }

  /** A message the session took from a still connected peer: what it announces moves the offers. */
  heard(peer: PeerState, message: WireMessage): void {
    const policy = this.policy;
    const info = this.info;
    if (!policy?.active || !info) return;
    if (message.type === 'request') this.asked(policy, peer, message.index);
    else if (message.type === 'have') this.follow(policy.have(peer.key, message.index, this.now));
    else if (message.type === 'have-all') this.follow(policy.bitfield(peer.key, 'all'));
    else if (message.type === 'bitfield')
      this.follow(policy.bitfield(peer.key, Bitfield.fromBytes(message.bytes, info.pieceCount)));
  }

  /** A message went to the peer: a block of a piece (its last block starts the offer's patience). */
  sent(peer: PeerState, message: WireMessage): void {
    if (message.type !== 'piece' || !this.policy?.active || !this.info) return;
    const { index, begin, block } = message;
    this.policy.sent(peer.key, index, begin + block.length >= pieceSize(this.info, index), this.now);
  }

  /** Offers past their patience are made again; a downloader alone at a tick is told every piece (super-seed.ts):
   * the offers are for several downloaders, and a swarm's peers, arriving together, are all there by the first
   * tick. */
  tick(now: number): void {
    this.now = now;
    const policy = this.policy;
    if (!policy?.active) return;
    this.announce(policy.tick(now));
    const lone = this.loneDownloader();
    if (lone) this.announce(policy.tellAll(lone.key));
    this.plan();
  }

  gone(peer: PeerState): void {
    this.policy?.gone(peer.key);
  }

  /** A request: it dates the offer's round trip; a peer asking that the plan still holds choked was just unchoked. */
  private asked(policy: SuperSeed<PeerKey>, peer: PeerState, index: number): void {
    policy.requested(peer.key, index, this.now);
    if (!peer.amChoking && !policy.askable(peer.key)) this.plan();
  }

  /** Offers follow whom we unchoke (super-seed-plan.ts). */
  private plan(): void {
    const policy = this.policy;
    const info = this.info;
    if (!policy?.active || !info) return;
    const peers = [];
    for (const peer of this.connections().peers.values()) {
      if (!peer.handshaken || !policy.knows(peer.key)) continue;
      const holding = policy.offersOf(peer.key).length;
      const empty = (this.downloader()?.peerPieces(peer.key) ?? 0) === 0;
      const roundTripMs = policy.roundTripMs(peer.key);
      peers.push({ key: peer.key, unchoked: !peer.amChoking, holding, roundTripMs, empty });
    }
    const targets = planOffers(peers, this.slots, this.uploadRate(), info.pieceLength);
    for (const { key, offers, unchoked } of targets)
      this.announce(policy.setTarget(key, offers, unchoked, this.now));
  }

  /** The one connected peer still downloading, if it is the only one. */
  private loneDownloader(): PeerState | undefined {
    const downloader = this.downloader();
    const pieces = this.info?.pieceCount ?? 0;
    let lone: PeerState | undefined;
    for (const peer of this.connections().peers.values()) {
      if (!peer.handshaken || (downloader?.peerPieces(peer.key) ?? 0) >= pieces) continue;
      if (lone) return undefined;
      lone = peer;
    }
    return lone;
  }

  private follow(step: Announce<PeerKey>[]): void {
    this.announce(step);
    if (!this.policy?.covering) return;
    this.announce(this.policy.stop());
    this.policy = undefined;
  }

  private announce(haves: readonly Announce<PeerKey>[]): void {
    const connections = this.connections();
    for (const { peer: key, index } of haves) {
      const peer = connections.peers.get(key);
      if (peer) connections.send(peer, { type: 'have', index });
    }
  }
}
