// The downloader: one torrent's download once its info is known. Fed by what peers say they have, their chokes and
// rejects, and the blocks they send; it keeps our interest in each peer up to date, fills each peer's request
// pipeline from the wishlist, assembles pieces in buffers, has them hashed, stores the good ones, bans the peers
// behind bad ones, and marks snubbed peers. It talks to the connections through `DownloaderPorts` (the session), so
// its tests can drive it alone.
import { Bitfield } from '../../codec/bitfield';
import { concatBytes } from '../../codec/bytes';
import type { TorrentInfo } from '../../codec/metainfo';
import { pieceSize } from '../../codec/metainfo';
import type { WireMessage } from '../../codec/wire';
import { BLOCK_SIZE, encodeMessage } from '../../codec/wire';
import type { BlockChecks } from '../v2/block-checks';
import { ASKED_SLACK, type PeerState } from '../peer/peer';
import type { BlockRequest } from '../picker/block-geometry';
import { FirstPiece, firstPieceView } from './first-piece';
import { PiecePicker } from '../picker/picker';
import { MAX_EARLY_PIECES, piecePriorities } from '../streaming/piece-priorities';
import { depthOf, RequestUpkeep } from './request-upkeep';
import { requestsToSend } from './request-batch';
import { HaveAnnouncer } from './deferred-haves';
import type { EngineConfig, EngineEvent, FilePriority, PeerKey } from '../contract/engine-types';
import { BanList, digestMatches } from '../verify/verify';
import { SuspectBlocks } from '../verify/suspect-blocks';
import { Streaming } from '../streaming/streaming';
import { VerifiedPieces } from '../verify/verified-pieces';
import { SourceRoom } from './source-room';
import { sendCancels } from './cancels';
import type { PickerOptions, Wishlist } from '../picker/wishlist';

/** What the downloader needs from the connections around it. */
export interface DownloaderPorts {
  /** The connected peer with this key. */
  peer(key: PeerKey): PeerState | undefined;
  /** The connected, handshaken peer with this peer id (hex). */
  peerById(peerIdHex: string): PeerState | undefined;
  /** Every connected peer, in connection order. */
  peers(): Iterable<PeerState>;
  send(peer: PeerState, message: WireMessage): void;
  sendRaw(peer: PeerState, data: Uint8Array): void;
  close(peer: PeerState, reason: string): void;
  /** Hash a complete piece; the answer comes back as `pieceHashed(index, digest)`. */
  hash(index: number, data: Uint8Array): void;
  /** Store a verified piece; the answer comes back as `stored(index)` or `storeFailed(index)`. */
  store(index: number, data: Uint8Array): void;
  /** Is the session downloading (not paused, stopped, failed or seeding)? */
  downloading(): boolean;
  /** A v2 session's block checks (block-checks.ts): failed pieces judged block by block, blocks checked on arrival
   * while their piece's leaf hashes are known. */
  blocks?(): BlockChecks | undefined;
}

export { MAX_SUSPECT_BYTES } from '../verify/suspect-blocks';

interface PieceBuffer {
  data: Uint8Array;
  /** Who sent each block (only the first copy of a block is kept). */
  blocks: { begin: number; length: number; sender: PeerState }[];
}

const senderKeys = (peer: PeerState): string[] => [peer.peerIdHex, ...peer.identities];

const newPicker = (options: PickerOptions): Wishlist => new PiecePicker(options);

/** A block a peer rejected (BEP 6) goes to other peers first, and back to that peer after this long (ms): a reject
 * says "not now" (its queue was full, it was busy), and when no other peer has the piece, a request timeout's wait
 * (30 s) stalled a stream that needed the block. */
export const REJECT_RETRY_MS = 1_000;

export class Downloader {
  /** Pieces verified and stored: written only by `stored`, read by the wishlist, the uploader and the session. */
  readonly verified: VerifiedPieces;
  /** Bytes of pieces verified and stored since the session started. */
  downloadedBytes = 0;
  private readonly wishlist: Wishlist;
  private readonly buffers = new Map<number, PieceBuffer>();
  /** Verified pieces handed to storage and not yet stored. */
  private readonly storing = new Set<number>();
  /** Blocks of failed pieces kept for the smart ban, within MAX_SUSPECT_BYTES. */
  private readonly suspects = new SuspectBlocks();
  /** Sources other than peers (web seeds): their claims on the wishlist and the whole pieces they bring. */
  readonly sources: SourceRoom;
  /** Released requests are waiting to be handed out (see `flush`). */
  private refill = false;
  /** While we hold no piece, one peer at a time is asked for it (first-piece.ts). */
  private readonly firstPiece = new FirstPiece();
  /** The deadlines a player puts on pieces: the playback window and the pieces its streams wait for. */
  readonly streaming: Streaming;
  /** Tells peers of our pieces: the seeds we download from with our next request batch (deferred-haves.ts). */
  private readonly haves: HaveAnnouncer;
  /** Snubs and request timeouts (request-upkeep.ts). */
  private readonly upkeep: RequestUpkeep;

  constructor(
    readonly info: TorrentInfo,
    have: Bitfield | VerifiedPieces | undefined,
    private readonly config: EngineConfig,
    random: () => number,
    private readonly bans: BanList,
    private readonly ports: DownloaderPorts,
  ) {
    if (have instanceof VerifiedPieces && have.pieceCount !== info.pieceCount)
      throw new RangeError('have does not match the piece count');
    this.verified = have instanceof VerifiedPieces ? have : new VerifiedPieces(info, have);
    this.wishlist = (config.wishlist ?? newPicker)({
      pieceCount: info.pieceCount,
      pieceLength: info.pieceLength,
      totalLength: info.length,
      have: this.verified,
      random,
      askedLimit: config.maxPipeline * ASKED_SLACK,
      randomFirstPieces: config.randomFirstPieces,
      endgameDuplicates: config.endgameDuplicates,
      endgameWhenIdle: true,
      blockSize: BLOCK_SIZE,
      pieceSelection: config.pieceSelection,
    });
    this.sources = new SourceRoom(info, this.wishlist, {
      needs: (index) => !this.have.get(index) && !this.storing.has(index) && this.wanted?.[index] !== false,
      assemble: (index, data) => {
        this.buffers.set(index, { data, blocks: [] });
        ports.hash(index, data);
      },
      cancel: (cancels) => sendCancels(ports, cancels),
      refill: () => (this.refill = true),
      storing: () => this.storing.size,
      reuseBuffers: config.reusePieceBuffers === true,
    });
    const downloadsFromSeed = (peer: PeerState) =>
      !peer.peerChoking && peer.amInterested && this.wishlist.peerPieces(peer.key) === info.pieceCount;
    this.haves = new HaveAnnouncer(ports, downloadsFromSeed);
    this.upkeep = new RequestUpkeep(this.wishlist, config, ports);
    this.streaming = new Streaming(info, this.wishlist, this.verified, {
      peers: () => ports.peers(),
      send: (peer, message) => ports.send(peer, message),
      refill: () => (this.refill = true),
    });
  }

  /** Bytes of failed pieces' blocks kept for the smart ban. */
  get suspectedBytes(): number {
    return this.suspects.bytes;
  }

  /** The verified pieces' bitfield (read only: see `verified`). */
  get have(): Bitfield {
    return this.verified.bitfield;
  }

  // --- what peers have

  /** Moves whenever what we knew of a peer's pieces is forgotten or replaced, so an availability may have fallen (the
   * uploader's serve order ranks its requests again, waiting-requests.ts). */
  copiesEpoch = 0;

  onHave(peer: PeerState, index: number, now: number): void {
    if (index >= this.info.pieceCount) return this.ports.close(peer, `have ${index} beyond the torrent`);
    if (!this.wishlist.peerHave(peer.key, index)) return;
    if (!peer.amInterested && !this.have.get(index)) this.updateInterest(peer);
    this.fill(peer, now);
  }

  onBitfield(peer: PeerState, bytes: Uint8Array, now: number): void {
    const field = Bitfield.fromBytes(bytes, this.info.pieceCount); // throws RangeError: closes the peer
    this.copiesEpoch++;
    this.wishlist.peerBitfield(peer.key, field);
    this.updateInterest(peer);
    this.fill(peer, now);
  }

  onHaveAll(peer: PeerState, now: number): void {
    this.copiesEpoch++;
    this.wishlist.peerHaveAll(peer.key);
    this.updateInterest(peer);
    this.fill(peer, now);
  }

  /** Applies what a peer said it had before the info was known. */
  applyPending(peer: PeerState, now: number): void {
    const pending = peer.pending.take(this.info.pieceCount); // throws RangeError: closes the peer
    if (pending === 'all') return this.onHaveAll(peer, now);
    if (!(pending instanceof Bitfield))
      return this.ports.close(peer, `have ${pending.beyond} beyond the torrent`);
    this.copiesEpoch++;
    this.wishlist.peerBitfield(peer.key, pending);
    this.updateInterest(peer);
  }

  // --- chokes and rejects

  /** The peer choked us. BEP 6: a fast peer's choke does not reject our requests; it rejects the ones it drops, and
   * blocks it had already sent still arrive (releasing them would ask someone else for the same blocks). Requests it
   * neither serves nor rejects time out as usual. Without fast, a choke drops them all. */
  onChoke(peer: PeerState): void {
    peer.download.choked();
    if (peer.fast) return;
    if (this.wishlist.releasePeer(peer.key).length > 0) this.refill = true;
  }

  onUnchoke(peer: PeerState, now: number): void {
    this.fill(peer, now);
  }

  /** The peer will not serve one of our requests: it can go to someone else. A reject while the peer unchokes us
   * means it will not serve that block, so it is not asked again for a while; a reject that comes with a choke only
   * drops its queue, and after the next unchoke it may be asked again (it may be our only source). */
  onReject(peer: PeerState, request: BlockRequest, now: number): void {
    const avoidUntil = peer.peerChoking ? undefined : now + REJECT_RETRY_MS;
    if (this.wishlist.release(peer.key, request, avoidUntil)) this.refill = true;
  }

  // --- blocks, hashing, storing

  /** A block arrived: false when we never asked the peer for it (the session closes the peer then). */
  onBlock(peer: PeerState, index: number, begin: number, block: Uint8Array, now: number): boolean {
    const result = this.wishlist.receive(peer.key, index, begin, block.length);
    if (!result) return false;
    const { info } = this;
    if (index >= info.pieceCount || begin + block.length > pieceSize(info, index)) {
      this.ports.close(peer, 'block beyond the piece');
      return true;
    }
    peer.download.blockArrived(block.length, now, result.askedAt);
    sendCancels(this.ports, result.cancels);
    if (result.expected && !result.duplicate && !this.storing.has(index) && !this.have.get(index)) {
      let buffer = this.buffers.get(index);
      if (!buffer) {
        buffer = { data: new Uint8Array(pieceSize(info, index)), blocks: [] };
        this.buffers.set(index, buffer);
      }
      if (this.ports.blocks?.()?.blockGood(index, begin, block) === false && this.wishlist.blocksFailed) {
        // A block that does not match its leaf hash: its sender is banned at once, only this block fetched again.
        this.banPeer(peer);
        this.wishlist.blocksFailed(index, [begin / BLOCK_SIZE]);
        this.refill = true;
        return true;
      }
      buffer.data.set(block, begin);
      buffer.blocks.push({ begin, length: block.length, sender: peer });
      if (result.pieceComplete) this.ports.hash(index, buffer.data);
    }
    this.fill(peer, now);
    return true;
  }

  pieceHashed(index: number, digest: Uint8Array, check?: (digest: Uint8Array) => boolean): void {
    const buffer = this.buffers.get(index);
    if (!buffer) return;
    const senders = [...new Set(buffer.blocks.map((b) => b.sender))];
    const source = this.sources.take(index);
    const good = check ? check(digest) : digestMatches(this.info.pieces, index, digest);
    if (source) this.sources.checked(index, buffer.data, good);
    if (good) {
      this.buffers.delete(index);
      this.ports.blocks?.()?.done(index);
      this.storing.add(index);
      creditSenders(this.ports, buffer, senders);
      this.smartBan(index, buffer.data);
      this.ports.store(index, buffer.data);
      return;
    }
    if (source) {
      this.buffers.delete(index);
      source.bad(index);
      return this.failed(index, buffer, []);
    }
    // A v2 piece the block checks can judge block by block is held (in `buffers`) for their verdict.
    if (check && this.wishlist.blocksFailed && this.ports.blocks?.()?.hold(index, buffer.data, digest))
      return;
    this.buffers.delete(index);
    this.failed(index, buffer, senders);
  }

  /**
   * The block checks judged a held piece: the senders of its bad blocks are banned (no one else is blamed) and only
   * those blocks are fetched again; `bad` undefined (no leaf hashes came): the piece is judged whole.
   */
  blocksJudged(index: number, bad: number[] | undefined): void {
    const buffer = this.buffers.get(index);
    if (!buffer) return;
    const senders = [...new Set(buffer.blocks.map((b) => b.sender))];
    if (!bad || bad.length === 0 || !this.wishlist.blocksFailed) {
      this.buffers.delete(index);
      return this.failed(index, buffer, senders);
    }
    const isBad = (begin: number) => bad.includes(begin / BLOCK_SIZE);
    const guilty = new Set(buffer.blocks.filter((b) => isBad(b.begin)).map((b) => b.sender));
    buffer.blocks = buffer.blocks.filter((b) => !isBad(b.begin));
    for (const peer of guilty) this.banPeer(peer);
    this.wishlist.blocksFailed(index, bad);
    this.refill = true;
  }

  private failed(index: number, buffer: PieceBuffer, senders: PeerState[]): void {
    // A bad piece: a sole sender is banned at once; with several, the piece is remembered block by block and fetched
    // again from one peer at a time (parole), until a good copy says whose blocks were bad.
    const banned = new Set(this.bans.badPiece(senders.map((peer) => peer.peerIdHex)));
    for (const peer of senders) if (banned.has(peer.peerIdHex)) this.banPeer(peer);
    if (senders.length > 1) {
      const unbanned = buffer.blocks.filter((block) => !this.bans.isBanned(block.sender.peerIdHex));
      this.suspects.remember(
        index,
        unbanned.map((block) => ({
          begin: block.begin,
          data: buffer.data.slice(block.begin, block.begin + block.length),
          sender: senderKeys(block.sender),
        })),
      );
    }
    this.wishlist.pieceFailed(index, senders.length > 1);
    this.refill = true;
  }

  /** The piece verified: every remembered block of it that differs from the good one was sent by a saboteur. */
  private smartBan(index: number, good: Uint8Array): void {
    for (const keys of this.suspects.saboteurs(index, good)) {
      this.bans.ban(keys);
      for (const peer of [...this.ports.peers()]) {
        if (this.bans.isBanned(peer.peerIdHex, ...peer.identities))
          this.ports.close(peer, 'banned: sent corrupt data');
      }
    }
  }

  /** Bans every key of the peer and closes it. */
  private banPeer(peer: PeerState): void {
    this.bans.ban(senderKeys(peer));
    if (this.ports.peer(peer.key) === peer) this.ports.close(peer, 'banned: sent corrupt data');
  }

  /** A piece is stored: every peer is told (a seed we download from with our next request batch, deferred-haves.ts;
   * every peer at once when the download is complete), and peers that have nothing else we need lose our interest.
   * Returns false for a piece we were not storing. */
  stored(index: number, now: number): boolean {
    if (!this.storing.delete(index)) return false;
    if (this.verified.add(index)) this.downloadedBytes += pieceSize(this.info, index);
    if (this.firstPiece.wake()) this.refill = true; // the peers held back for our first piece
    const uninteresting = this.wishlist.pieceVerified(index);
    this.sources.landed(index, this.wishlist.wantedMissing === 0);
    this.haves.announce(index, this.verified.complete, now);
    if (this.verified.complete) return true;
    // Only peers whose last needed piece this was may lose our interest; told in connection order.
    const peers: PeerState[] = [];
    for (const key of uninteresting) {
      const peer = this.ports.peer(key);
      if (peer?.amInterested) peers.push(peer);
    }
    peers.sort((a, b) => a.order - b.order);
    for (const peer of peers) this.updateInterest(peer);
    return true;
  }

  /** Storage refused a piece: it is not counted (what is stored stays). False for a piece we were not storing. */
  storeFailed(index: number): boolean {
    if (!this.storing.delete(index)) return false;
    this.sources.landed(index, false);
    this.wishlist.pieceFailed(index);
    return true;
  }

  /**
   * Drops a piece being assembled, to be fetched again later (it waited too long for its layer), or, with no index,
   * every piece being assembled (the session stopped or has everything).
   */
  dropPiece(index?: number): void {
    if (index === undefined) return this.buffers.clear();
    if (!this.buffers.delete(index)) return;
    this.wishlist.pieceFailed(index);
    this.refill = true;
  }

  // --- interest and requests

  updateInterest(peer: PeerState): void {
    const want = this.ports.downloading() && this.wishlist.isPeerInteresting(peer.key);
    if (want === peer.amInterested) return;
    peer.download.setInterested(want);
    this.ports.send(peer, { type: want ? 'interested' : 'not-interested' });
  }

  /** Tops up the peer's request pipeline. */
  fill(peer: PeerState, now: number): void {
    if (!this.ports.downloading() || peer.peerChoking || !peer.amInterested) return;
    const depth = depthOf(peer, this.config, now);
    const outstanding = this.wishlist.outstanding(peer.key);
    const view = firstPieceView({
      off: this.config.firstPieceOneSource === false,
      holding: this.verified.count > 0 || this.storing.size > 0,
      streaming: this.streaming.active,
      pieceLength: this.info.pieceLength,
      blockSize: BLOCK_SIZE,
      peer,
      peers: this.ports.peers(),
      outstanding: (p) => this.wishlist.outstanding(p.key),
    });
    const allowed = this.firstPiece.depth(depth, view, now);
    const count = requestsToSend(allowed, outstanding, this.streaming.active);
    if (count === 0) return;
    const requests = this.wishlist.nextRequests(peer.key, count, now);
    if (requests.length === 0) return;
    if (outstanding === 0) this.firstPiece.newSource(now);
    // The snub clock starts with the first request since it was last unchoked or sent us a block; requests that
    // time out and are asked again do not restart it.
    peer.download.requested(now);
    // The haves we owe a seed ride in the same message as the batch: one message for the seed to acknowledge.
    const haves = this.haves.take(peer.key);
    const chunks = requests.map((request) => encodeMessage({ type: 'request', ...request }));
    this.ports.sendRaw(peer, concatBytes([...haves, ...chunks]));
  }

  /** Asks for released requests to be handed out at the next `flush`. */
  refillSoon(): void {
    this.refill = true;
  }

  /** Hands released requests out to every peer, when some were released since the last flush. */
  flush(now: number): void {
    if (!this.refill) return;
    this.refill = false;
    for (const peer of this.ports.peers()) if (peer.handshaken) this.fill(peer, now);
  }

  /** The session stops downloading from the peer (paused, failed): its requests go back to the pool. */
  releasePeer(peer: PeerState): void {
    this.wishlist.releasePeer(peer.key);
  }

  peerGone(peer: PeerState): void {
    this.copiesEpoch++;
    this.haves.forget(peer.key);
    if (this.wishlist.peerGone(peer.key).length > 0) this.refill = true;
  }

  /** The requests' upkeep (snubs, timeouts), then the first piece's, the streams' and the haves' timers. */
  tick(now: number): void {
    if (this.upkeep.tick(now)) this.refill = true;
    if (this.firstPiece.wake(now)) this.refill = true;
    this.streaming.tick(now);
    this.haves.tick(now);
  }

  // --- priorities

  /** A 'file-priorities' event (per file, the priority its pieces take: the highest of the files a piece holds) or
   * an 'early-pieces' one (pieces fetched before the rest unless their files are skipped: piece-priorities.ts); each
   * replaces the earlier one of its kind. */
  setPriorities(event: Extract<EngineEvent, { type: 'file-priorities' | 'early-pieces' }>): void {
    const early = event.type === 'early-pieces' ? event.pieces.slice(0, MAX_EARLY_PIECES) : this.early;
    const files = event.type === 'file-priorities' ? event.priorities : this.filePriorities;
    const priorities = piecePriorities(this.info, files, early);
    this.filePriorities = files;
    this.early = early;
    let skippedNow = false;
    this.skipping = priorities.includes('skip');
    this.wanted = this.skipping ? priorities.map((priority) => priority !== 'skip') : undefined;
    // Early pieces come in the order they are listed (a file's first piece, its end, the rest of its start); other
    // high pieces after them, by index.
    const rank = new Map<number, number>();
    early.forEach((index, k) => {
      if (!rank.has(index)) rank.set(index, k);
    });
    priorities.forEach((priority, index) => {
      const before = this.wishlist.setPriority(index, priority, rank.get(index) ?? MAX_EARLY_PIECES + index);
      if (priority === 'skip' && before !== 'skip' && !this.have.get(index)) skippedNow = true;
    });
    // Pieces just skipped may fill the peers' queues: cancel what was asked, the refill asks for wanted pieces only.
    if (skippedNow) this.streaming.cancelRequests();
    for (const peer of this.ports.peers()) if (peer.handshaken) this.updateInterest(peer);
    this.refill = true;
  }

  private filePriorities: readonly FilePriority[] | undefined;
  /** The pieces fetched before the rest, in their order (the latest 'early-pieces' event's). */
  early: readonly number[] = [];

  /** Some pieces are skipped (files not chosen). */
  skipping = false;
  /** Per piece, whether a chosen file needs it, while some are skipped (undefined: every piece is wanted). */
  wanted: readonly boolean[] | undefined;

  /** Some files are skipped, and every piece we want is verified. */
  get wantedComplete(): boolean {
    return this.skipping && this.wishlist.wantedMissing === 0;
  }

  // --- statistics

  availability(index: number): number {
    return this.wishlist.availability(index);
  }

  peerPieces(peer: PeerKey): number {
    return this.wishlist.peerPieces(peer);
  }

  outstanding(peer: PeerKey): number {
    return this.wishlist.outstanding(peer);
  }
}

/** Each sender still connected is credited its share of a good piece (by the bytes it sent), so a piece counts
 * once in all. */
function creditSenders(ports: DownloaderPorts, buffer: PieceBuffer, senders: readonly PeerState[]): void {
  const size = buffer.data.length;
  for (const peer of senders) {
    if (ports.peer(peer.key) !== peer) continue;
    let bytes = 0;
    for (const block of buffer.blocks) if (block.sender === peer) bytes += block.length;
    peer.download.pieceVerified(bytes / size);
  }
}
