// The BEP 52 hash messages of a session that speaks v2: peers' hash requests answered from the piece layers we
// know, the layers we lack asked of v2 peers that have pieces (piece-layers.ts keeps the bounds), their answers
// checked against the pieces roots. A peer that sends hashes we did not ask for, or hashes that do not lead to the
// root, is closed; a `hash reject` frees the chunk for another peer. Requests and answers for leaf hashes (base
// layer 0, when pieces span several blocks) go to the block checks (block-checks.ts).
import { sha256Sync } from '../../hash/sha256';
import type { WireMessage } from '../../codec/wire';
import { BlockChecks, type BlockCheckPorts } from './block-checks';
import { nodeHashOf } from '../verify/file-tree';
import type { PeerState } from '../peer/peer';
import { PieceLayers } from './piece-layers';
import { TreeWait } from './tree-wait';
import type { LaterV2, PeerKey, V2Options } from '../contract/engine-types';

export type { V2Options } from '../contract/engine-types';

export type HashMessage = Extract<WireMessage, { type: 'hash-request' | 'hashes' | 'hash-reject' }>;
type HashMessageOf<T extends HashMessage['type']> = Extract<HashMessage, { type: T }>;

/** The connections (connections.ts). */
export interface HashExchangePorts {
  readonly peers: ReadonlyMap<PeerKey, PeerState>;
  send(peer: PeerState, message: WireMessage): void;
  close(peer: PeerState, reason: string): void;
}

/** What the block checks need besides the connections (block-checks.ts). */
export type BlockPorts = Omit<BlockCheckPorts, 'peers' | 'send' | 'close' | 'peerPieces'>;

/** What becomes of complete pieces of a torrent without SHA-1 that waited for their file's layer (tree-wait.ts). */
export interface TreeWaitPorts {
  /** The layer came: check the piece against it. */
  check(index: number, data: Uint8Array): void;
  /** No room to hold it: fetch it again later. */
  drop(index: number): void;
  /** The last piece layer we lacked came from peers and led to its root: every layer is known now. */
  layersKnown?(): void;
}

/** How often the clock looks for layers to ask (answers and rejects ask at once): a walk over the missing chunks. */
export const ASK_INTERVAL_MS = 1000;

export class HashExchange {
  private known: PieceLayers | undefined;
  private lastAsk: number | undefined;
  private checks: BlockChecks | undefined;
  private readonly treeWait = new TreeWait();

  constructor(
    private readonly options: V2Options | LaterV2,
    private readonly ports: HashExchangePorts,
    /** Pieces the peer says it has (0 before the info, or when it has none). */
    private readonly peerPieces: (key: PeerKey) => number,
    /** The session's side of pieces waiting for a layer and of block checks (without it, pieces are judged whole and
     * a piece without SHA-1 waits until it is dropped). */
    private readonly session?: TreeWaitPorts & BlockPorts,
  ) {}

  /** The block checks, once the layers are known (and the session gave their ports). */
  get blocks(): BlockChecks | undefined {
    const layers = this.layers;
    if (!this.checks && layers && this.session) {
      const view = 'info' in this.options ? this.options : this.options.view;
      const nodeHash = view?.nodeHash ?? nodeHashOf(sha256Sync);
      const { ports, peerPieces } = this;
      this.checks = new BlockChecks(layers, nodeHash, {
        ...this.session,
        get peers() {
          return ports.peers;
        },
        send: (peer, message) => ports.send(peer, message),
        close: (peer, reason) => ports.close(peer, reason),
        peerPieces,
      });
    }
    return this.checks;
  }

  /** The piece layers, once the v2 view is known (at once, unless it comes later: LaterV2). */
  get layers(): PieceLayers | undefined {
    if (this.known) return this.known;
    const view = 'info' in this.options ? this.options : this.options.view;
    if (!view) return undefined;
    this.known = new PieceLayers(
      view.info,
      view.pieceLayers ?? new Map(),
      view.nodeHash ?? nodeHashOf(sha256Sync),
    );
    this.lastAsk = undefined; // the next tick asks
    return this.known;
  }

  /** A hash message from a v2 peer. */
  onMessage(peer: PeerState, message: HashMessage, now: number): void {
    const layers = this.layers;
    if (!layers) {
      // Announced before the view is known: nothing asked yet, nothing to answer with.
      if (message.type !== 'hash-request') return this.ports.close(peer, `${message.type} of nothing asked`);
      const { type: _request, ...range } = message;
      return this.ports.send(peer, { type: 'hash-reject', ...range });
    }
    if (message.type === 'hash-request') return this.onRequest(peer, message, layers, now);
    if (message.type === 'hash-reject') return this.onReject(peer, message, layers, now);
    this.onHashes(peer, message, layers, now);
  }

  /** A peer asks for hashes: leaves go to the block checks (read and hashed), a layer's are answered from it. */
  private onRequest(
    peer: PeerState,
    message: HashMessageOf<'hash-request'>,
    layers: PieceLayers,
    now: number,
  ): void {
    const blocks = this.blocks;
    if (blocks && message.baseLayer === 0 && layers.pieceHeight > 0) return blocks.onRequest(peer, message);
    this.ports.send(peer, layers.answer(peer.key, message, now));
  }

  private onReject(
    peer: PeerState,
    message: HashMessageOf<'hash-reject'>,
    layers: PieceLayers,
    now: number,
  ): void {
    if (this.blocks?.onReject(peer, message, now)) return;
    if (!layers.onReject(peer.key, message)) return this.ports.close(peer, 'a hash reject of nothing asked');
    this.ask(now);
  }

  /** Hashes we asked for: a piece's leaves to the block checks, a layer's checked and kept. */
  private onHashes(
    peer: PeerState,
    message: HashMessageOf<'hashes'>,
    layers: PieceLayers,
    now: number,
  ): void {
    if (this.blocks?.onHashes(peer, message, now)) return;
    const verdict = layers.onHashes(peer.key, message);
    if (!verdict.ok) return this.ports.close(peer, verdict.reason);
    if (verdict.layerComplete) {
      this.checkWaiting();
      if (layers.missing === 0) this.session?.layersKnown?.();
    }
    this.ask(now);
  }

  /** Asks v2 peers that have pieces for the layers we lack (within the bounds of piece-layers.ts). */
  ask(now: number): void {
    const layers = this.layers;
    if (!layers || layers.missing === 0) return;
    for (const peer of this.ports.peers.values()) {
      if (!peer.handshaken || !peer.v2 || this.peerPieces(peer.key) === 0) continue;
      for (const range of layers.requestsFor(peer.key, () => true, now))
        this.ports.send(peer, { type: 'hash-request', ...range });
    }
  }

  /** The clock: late requests go to other peers. */
  tick(now: number): void {
    const layers = this.layers;
    if (!layers) return;
    layers.expire(now);
    this.checkWaiting();
    this.blocks?.tick(now);
    if (this.lastAsk !== undefined && now - this.lastAsk < ASK_INTERVAL_MS) return;
    this.lastAsk = now;
    this.ask(now);
  }

  /** The bytes of a complete piece to hash block by block when its file's layer is known (undefined: check it
   * with SHA-1). */
  treeBytes(index: number, data: Uint8Array): Uint8Array | undefined {
    const bytes = this.layers?.treeBytes(index);
    return bytes === undefined ? undefined : data.subarray(0, bytes);
  }

  /** A complete piece without SHA-1 whose file's layer is not known yet: held until it is, within a bound. */
  waitForLayer(index: number, data: Uint8Array): void {
    for (const dropped of this.treeWait.wait(index, data)) this.session?.drop(dropped);
  }

  /** Forgets the pieces that wait for their layer (the session stopped). */
  clearWaiting(): void {
    this.treeWait.clear();
  }

  /** Layers came: the pieces that waited for them are checked. */
  private checkWaiting(): void {
    const layers = this.layers;
    if (this.treeWait.size === 0 || !layers) return;
    for (const [index, data] of this.treeWait.ready((i) => layers.treeBytes(i) !== undefined))
      this.session?.check(index, data);
  }

  /** The leaf hashes of a piece (a `sha256-blocks` answer) lead to its piece hash. */
  pieceGood(index: number, digests: Uint8Array): boolean {
    return this.layers?.checkDigests(index, digests) === true;
  }

  peerGone(key: PeerKey, now: number): void {
    this.layers?.peerGone(key);
    this.checks?.peerGone(key, now);
  }
}
