// Gossip dissemination of pieces as seed 002 describes it, on the same simulated network as the engine: every round
// each peer asks the tracker for `fanout` random peers and
// - push: sends each of them a random piece it has (the receiver keeps it if new; otherwise it was redundant);
// - pull: asks each of them for a random piece it lacks (answered with the piece, or with "don't have");
// - push-pull: both.
// No peer knows what the others have, which is what makes gossip simple and what costs it redundant messages.
import { mulberry32 } from '../../shared/engine/testing/random';
import type { Host } from '../../shared/engine/testing/network';
import { Network } from '../../shared/engine/testing/network';

export type GossipMode = 'push' | 'pull' | 'push-pull';
export const GOSSIP_MODES: readonly GossipMode[] = ['push', 'pull', 'push-pull'];

/** Wire sizes, as BitTorrent's: a piece message carries a 13-byte header; a request is 17 bytes; "don't have" 5. */
const PIECE_HEADER = 13;
const REQUEST_SIZE = 17;
const NO_SIZE = 5;

export interface GossipOptions {
  mode: GossipMode;
  peers: number;
  pieceCount: number;
  pieceLength: number;
  seedUpload: number;
  peerUpload: number;
  peerDownload: number;
  fanout: number;
  /** Round length, ms. */
  roundMs: number;
  latencyMs: number;
  seed: number;
}

export class GossipPeer {
  readonly has: Uint8Array;
  count = 0;
  completedAt: number | undefined;
  constructor(
    readonly host: Host,
    pieceCount: number,
    readonly isSeed: boolean,
  ) {
    this.has = new Uint8Array(pieceCount);
    if (isSeed) {
      this.has.fill(1);
      this.count = pieceCount;
      this.completedAt = 0;
    }
  }
}

export interface GossipCounters {
  /** Messages of every kind delivered. */
  messages: number;
  /** Piece messages delivered. */
  pieces: number;
  /** Piece messages that brought a piece the receiver already had. */
  redundantPieces: number;
  /** Pull requests answered "don't have". */
  failedPulls: number;
}

export class GossipSwarm {
  readonly network: Network;
  readonly peers: GossipPeer[] = [];
  readonly seedPeer: GossipPeer;
  readonly counters: GossipCounters = { messages: 0, pieces: 0, redundantPieces: 0, failedPulls: 0 };
  private readonly random: () => number;

  constructor(readonly options: GossipOptions) {
    const { peers, pieceCount, fanout, roundMs } = options;
    if (!GOSSIP_MODES.includes(options.mode))
      throw new RangeError(`unknown gossip mode ${String(options.mode)}`);
    if (!Number.isInteger(peers) || peers < 1) throw new RangeError(`peers must be >= 1, got ${peers}`);
    if (!Number.isInteger(pieceCount) || pieceCount < 1)
      throw new RangeError(`pieces must be >= 1, got ${pieceCount}`);
    if (!Number.isInteger(fanout) || fanout < 1) throw new RangeError(`fanout must be >= 1, got ${fanout}`);
    if (!(roundMs > 0)) throw new RangeError(`round must be > 0 ms, got ${roundMs}`);
    this.random = mulberry32(options.seed);
    this.network = new Network({ latencyMs: options.latencyMs });
    this.seedPeer = new GossipPeer(
      this.network.addHost({ upload: options.seedUpload, download: options.peerDownload }),
      pieceCount,
      true,
    );
    for (let i = 0; i < peers; i++) {
      this.peers.push(
        new GossipPeer(
          this.network.addHost({ upload: options.peerUpload, download: options.peerDownload }),
          pieceCount,
          false,
        ),
      );
    }
    const everyone = [this.seedPeer, ...this.peers];
    for (const peer of everyone) {
      // Rounds start at a random phase per peer, as independent timers would.
      const round = () => {
        this.round(peer, everyone);
        this.network.schedule(this.network.now + roundMs, round);
      };
      this.network.schedule(this.random() * roundMs, round);
    }
  }

  get now(): number {
    return this.network.now;
  }

  allDone(): boolean {
    return this.peers.every((p) => p.completedAt !== undefined);
  }

  /** Mean fraction of the pieces the leechers hold. */
  progress(): number {
    let sum = 0;
    for (const p of this.peers) sum += p.count;
    return sum / (this.peers.length * this.options.pieceCount);
  }

  private randomPeer(self: GossipPeer, everyone: GossipPeer[]): GossipPeer {
    for (;;) {
      const other = everyone[Math.floor(this.random() * everyone.length)];
      if (other !== self) return other;
    }
  }

  private randomPiece(peer: GossipPeer, wanted: 0 | 1): number {
    const n = this.options.pieceCount;
    const available = wanted === 1 ? peer.count : n - peer.count;
    if (available === 0) return -1;
    let k = Math.floor(this.random() * available);
    for (let i = 0; i < n; i++) {
      if (peer.has[i] === wanted && k-- === 0) return i;
    }
    return -1;
  }

  private round(peer: GossipPeer, everyone: GossipPeer[]): void {
    const { mode, fanout } = this.options;
    // A peer whose uplink still has last round's work queued skips pushing (it would only grow its queue).
    const idle = !peer.host.transmitting;
    for (let k = 0; k < fanout; k++) {
      const target = this.randomPeer(peer, everyone);
      if ((mode === 'push' || mode === 'push-pull') && idle) {
        const piece = this.randomPiece(peer, 1);
        if (piece >= 0) this.sendPiece(peer, target, piece);
      }
      if ((mode === 'pull' || mode === 'push-pull') && peer.count < this.options.pieceCount) {
        const piece = this.randomPiece(peer, 0);
        this.network.send(this.network.channel(peer.host, target.host), REQUEST_SIZE, () => {
          this.counters.messages++;
          if (target.has[piece]) this.sendPiece(target, peer, piece);
          else {
            this.counters.failedPulls++;
            this.network.send(
              this.network.channel(target.host, peer.host),
              NO_SIZE,
              () => this.counters.messages++,
            );
          }
        });
      }
    }
  }

  private sendPiece(from: GossipPeer, to: GossipPeer, piece: number): void {
    this.network.send(
      this.network.channel(from.host, to.host),
      this.options.pieceLength + PIECE_HEADER,
      () => {
        this.counters.messages++;
        this.counters.pieces++;
        if (to.has[piece]) {
          this.counters.redundantPieces++;
          return;
        }
        to.has[piece] = 1;
        to.count++;
        if (to.count === this.options.pieceCount && to.completedAt === undefined) to.completedAt = this.now;
      },
    );
  }
}
