// BEP 52 piece layers: for each file of a v2 (or hybrid) torrent, its pieces root and, once known, its piece layer
// (one SHA-256 per piece). Layers a .torrent left out (and every layer of a torrent fetched by magnet) are asked of
// peers with `hash request`s, in chunks of at most CHUNK_PIECES piece hashes proved up to the pieces root; answers
// are checked against the root before they are kept. Peers' requests are answered from the layers we know.
// Sans-I/O: inner nodes are hashed synchronously through a NodeHash (file-tree.ts).
import { toHex } from '../../codec/hex';
import type { TorrentInfoV2 } from '../../codec/metainfo-v2';
import type { HashRange, WireMessage } from '../../codec/wire';
import { FileTree, climb, joinNodes, log2, padHashes, subtreeRoot, type NodeHash } from '../verify/file-tree';
import type { PeerKey } from '../contract/engine-types';
import { bytesEqual } from '../verify/verify';

/** Piece hashes asked in one request (libtorrent asks as many; an answer is then 16 KiB and the proof). */
export const CHUNK_PIECES = 512;
/** Hash requests we have out at once to one peer. */
export const MAX_HASH_REQUESTS_PER_PEER = 4;
/** Hash requests we have out at once in all. */
export const MAX_HASH_REQUESTS = 16;
/** A hash request unanswered this long is asked of another peer. */
export const HASH_REQUEST_TIMEOUT_MS = 30_000;
/** Most hashes (base and proof) we send one peer per HASH_SERVE_WINDOW_MS; past it its requests are rejected. */
export const MAX_SERVED_HASHES = 16 * 1024;
export const HASH_SERVE_WINDOW_MS = 60_000;
/** Most base-layer hashes one answer of ours carries. */
export const MAX_ANSWER_HASHES = CHUNK_PIECES;

/** A file of the torrent as the piece layers see it. */
interface LayerFile {
  root: Uint8Array;
  rootHex: string;
  /** Bytes of the file. */
  length: number;
  /** The file's first piece in the torrent's numbering. */
  firstPiece: number;
  pieceCount: number;
  /** Leaves of the file's tree (blocks, padded to a power of two). */
  leaves: number;
  /** Its tree once its layer is known (every file of one piece: at once, its root is its piece hash). */
  tree?: FileTree;
  /** Piece hashes received so far, by chunk (files of more than one piece whose layer is unknown). */
  chunks?: Array<Uint8Array[] | undefined>;
}

interface Outstanding {
  peer: PeerKey;
  file: number;
  chunk: number;
  range: HashRange;
  sentAt: number;
}

/** What a `hashes` message from a peer turned out to be. */
export type HashesVerdict =
  { ok: true; file: number; layerComplete: boolean } | { ok: false; reason: string };

/** The 32-byte nodes of concatenated hashes. */
export function nodes(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + 32 <= bytes.length; at += 32) out.push(bytes.subarray(at, at + 32));
  return out;
}

export class PieceLayers {
  private readonly files: LayerFile[] = [];
  private readonly byRoot = new Map<string, number>();
  private readonly pads: Uint8Array[];
  /** log2 of the leaves per piece: the piece layer's height in every file's tree. */
  readonly pieceHeight: number;
  private readonly pieceLength: number;
  private readonly outstanding: Outstanding[] = [];
  private readonly served = new Map<PeerKey, { since: number; hashes: number }>();
  /** Chunks each peer rejected or let time out (`file:chunk`): not asked of it again while it stays. */
  private readonly refusedBy = new Map<PeerKey, Set<string>>();

  /** `given`: piece layers from the .torrent by pieces root (hex), 32-byte hashes concatenated. */
  constructor(
    info: TorrentInfoV2,
    given: ReadonlyMap<string, Uint8Array>,
    private readonly nodeHash: NodeHash,
  ) {
    this.pieceHeight = log2(info.pieceLength / 16384);
    this.pieceLength = info.pieceLength;
    let height = this.pieceHeight;
    for (const file of info.files)
      if (file.length > 0) height = Math.max(height, log2(leavesOf(file.length)));
    this.pads = padHashes(height, nodeHash);
    for (const file of info.files) {
      if (!file.piecesRoot || file.pieceCount === 0) continue;
      const entry: LayerFile = {
        root: file.piecesRoot,
        rootHex: toHex(file.piecesRoot),
        length: file.length,
        firstPiece: file.offset / info.pieceLength,
        pieceCount: file.pieceCount,
        leaves: leavesOf(file.length),
      };
      this.byRoot.set(entry.rootHex, this.files.length);
      this.files.push(entry);
      const layer = given.get(entry.rootHex);
      if (entry.pieceCount === 1) this.know(entry, [entry.root]);
      else if (layer && layer.length === entry.pieceCount * 32) this.know(entry, nodes(layer));
      if (!entry.tree) entry.chunks = emptyChunks(Math.ceil(entry.pieceCount / CHUNK_PIECES));
    }
  }

  /** Builds a file's tree from its whole piece layer; false when the layer does not lead to its root. */
  private know(file: LayerFile, pieces: Uint8Array[]): boolean {
    try {
      file.tree = new FileTree(
        pieces,
        file.pieceCount === 1 ? log2(file.leaves) : this.pieceHeight,
        file.root,
        this.pads,
        this.nodeHash,
      );
    } catch (error) {
      if (error instanceof RangeError) return false;
      throw error;
    }
    file.chunks = undefined;
    return true;
  }

  /** Files (of non-zero length) whose piece layer we still lack. */
  get missing(): number {
    return this.files.filter((file) => !file.tree).length;
  }

  /**
   * What piece `index` (the torrent's numbering) must hash to: the root of its blocks' leaf hashes padded with zero
   * leaves to `width` leaves. Undefined when its file's layer is not known yet (or the piece is in no file).
   */
  expected(index: number): { hash: Uint8Array; width: number } | undefined {
    const file = this.fileOfPiece(index);
    if (!file?.tree) return undefined;
    const width = file.pieceCount === 1 ? file.leaves : 2 ** this.pieceHeight;
    return { hash: file.tree.piece(index - file.firstPiece), width };
  }

  /** Checks leaf hashes of piece `index`'s blocks against its piece hash; undefined while its layer is unknown. */
  checkLeaves(index: number, leaves: readonly Uint8Array[]): boolean | undefined {
    const expected = this.expected(index);
    if (!expected) return undefined;
    if (leaves.length > expected.width) return false;
    return bytesEqual(subtreeRoot(leaves, expected.width, this.pads, this.nodeHash), expected.hash);
  }

  /**
   * The bytes of piece `index` its file's tree covers (a file's last piece ends with the file, before any BEP 47
   * padding of a hybrid), when its layer is known: hash each 16 KiB block of them for `checkDigests`.
   */
  treeBytes(index: number): number | undefined {
    const file = this.fileOfPiece(index);
    if (!file?.tree) return undefined;
    return Math.min(this.pieceLength, file.length - (index - file.firstPiece) * this.pieceLength);
  }

  /**
   * Where piece `index`'s leaves sit in its file's tree, once its layer is known: the file's pieces root, the piece's
   * first leaf, the leaves it spans (a power of two, zero leaves past the file's end) and the file's bytes in it.
   */
  pieceLeaves(
    index: number,
  ): { root: Uint8Array; firstLeaf: number; width: number; bytes: number } | undefined {
    const file = this.fileOfPiece(index);
    const expected = this.expected(index);
    const bytes = this.treeBytes(index);
    if (!file || !expected || bytes === undefined) return undefined;
    const firstLeaf = (index - file.firstPiece) * 2 ** this.pieceHeight;
    return { root: file.root, firstLeaf, width: expected.width, bytes };
  }

  /** The piece (the torrent's numbering) of the file with pieces root `root` that holds its leaf `leaf`. */
  pieceAtLeaf(root: Uint8Array, leaf: number): number | undefined {
    const f = this.byRoot.get(toHex(root));
    if (f === undefined) return undefined;
    const file = this.files[f];
    const piece = Math.floor(leaf / 2 ** this.pieceHeight);
    return piece < file.pieceCount ? file.firstPiece + piece : undefined;
  }

  /** `count` uncles of piece `index` from its piece layer up, lowest first; undefined past the root or unknown. */
  pieceUncles(index: number, count: number): Uint8Array[] | undefined {
    const file = this.fileOfPiece(index);
    const tree = file?.tree;
    if (count === 0) return tree ? [] : undefined;
    return tree?.hashes(tree.pieceHeight, index - file!.firstPiece, 1, count - 1)?.slice(1);
  }

  /** Counts `count` hashes sent to `peer` against its budget (MAX_SERVED_HASHES per HASH_SERVE_WINDOW_MS); false,
   * counting nothing, when they would go over it. */
  spend(peer: PeerKey, count: number, now: number): boolean {
    let budget = this.served.get(peer);
    if (!budget || now - budget.since >= HASH_SERVE_WINDOW_MS)
      this.served.set(peer, (budget = { since: now, hashes: 0 }));
    if (budget.hashes + count > MAX_SERVED_HASHES) return false;
    budget.hashes += count;
    return true;
  }

  /** `checkLeaves` with the leaf hashes concatenated (as a `sha256-blocks` hash job answers them). */
  checkDigests(index: number, digests: Uint8Array): boolean | undefined {
    if (digests.length % 32 !== 0) return false;
    return this.checkLeaves(index, nodes(digests));
  }

  private fileOfPiece(index: number): LayerFile | undefined {
    let low = 0;
    let high = this.files.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const file = this.files[middle];
      if (index < file.firstPiece) high = middle - 1;
      else if (index >= file.firstPiece + file.pieceCount) low = middle + 1;
      else return file;
    }
    return undefined;
  }

  /**
   * New hash requests to send `peer` (a v2 peer): chunks of missing layers nobody is asked for, of which the peer has
   * at least one piece (it needed their hashes to check them), within the per-peer and total bounds.
   */
  requestsFor(peer: PeerKey, has: (piece: number) => boolean, now: number): HashRange[] {
    const ranges: HashRange[] = [];
    let mine = this.outstanding.filter((entry) => entry.peer === peer).length;
    for (let f = 0; f < this.files.length; f++) {
      const file = this.files[f];
      if (!file.chunks) continue;
      for (let chunk = 0; chunk < file.chunks.length; chunk++) {
        if (mine >= MAX_HASH_REQUESTS_PER_PEER || this.outstanding.length >= MAX_HASH_REQUESTS) return ranges;
        if (file.chunks[chunk] || this.outstanding.some((entry) => entry.file === f && entry.chunk === chunk))
          continue;
        if (this.refusedBy.get(peer)?.has(`${f}:${chunk}`)) continue;
        const first = chunk * CHUNK_PIECES;
        const count = Math.min(CHUNK_PIECES, file.pieceCount - first);
        let any = false;
        for (let p = 0; p < count && !any; p++) any = has(file.firstPiece + first + p);
        if (!any) continue;
        const range = this.chunkRange(file, chunk);
        this.outstanding.push({ peer, file: f, chunk, range, sentAt: now });
        ranges.push(range);
        mine++;
      }
    }
    return ranges;
  }

  /** The request for one chunk: its piece hashes (padded to a power of two) and the uncles that lead from them to
   * the pieces root. Proof layers are counted as libtorrent counts them (file-tree.ts `hashes`): one less than the
   * layers above the piece layer, whatever the chunk's length. libtorrent rejects a request whose proof layers
   * reach the root, and answers one proof layer less with one uncle too few. */
  private chunkRange(file: LayerFile, chunk: number): HashRange {
    const first = chunk * CHUNK_PIECES;
    const length = Math.min(CHUNK_PIECES, 2 ** Math.ceil(Math.log2(file.pieceCount - first)));
    const height = log2(file.leaves) - this.pieceHeight;
    return {
      piecesRoot: file.root,
      baseLayer: this.pieceHeight,
      index: first,
      length,
      proofLayers: height - 1,
    };
  }

  private take(peer: PeerKey, range: HashRange): Outstanding | undefined {
    const at = this.outstanding.findIndex(
      (entry) =>
        entry.peer === peer &&
        bytesEqual(entry.range.piecesRoot, range.piecesRoot) &&
        entry.range.baseLayer === range.baseLayer &&
        entry.range.index === range.index &&
        entry.range.length === range.length &&
        entry.range.proofLayers === range.proofLayers,
    );
    return at < 0 ? undefined : this.outstanding.splice(at, 1)[0];
  }

  /** A `hashes` message from `peer`: kept when we asked for it and it leads to the file's root. */
  onHashes(peer: PeerKey, message: HashRange & { hashes: Uint8Array }): HashesVerdict {
    const asked = this.take(peer, message);
    if (!asked) return { ok: false, reason: 'hashes we did not ask for' };
    const file = this.files[asked.file];
    if (!file.chunks) return { ok: true, file: asked.file, layerComplete: true }; // known meanwhile
    const all = nodes(message.hashes);
    const base = all.slice(0, message.length);
    const subtree = subtreeRoot(base, base.length, this.pads, this.nodeHash);
    const root = climb(subtree, message.index / message.length, all.slice(message.length), this.nodeHash);
    if (!bytesEqual(root, file.root))
      return { ok: false, reason: 'hashes that do not lead to the pieces root' };
    const real = Math.min(message.length, file.pieceCount - message.index);
    file.chunks[asked.chunk] = base.slice(0, real).map((node) => node.slice());
    if (file.chunks.some((chunk) => !chunk)) return { ok: true, file: asked.file, layerComplete: false };
    const complete = this.know(
      file,
      file.chunks.flatMap((chunk) => chunk ?? []),
    );
    if (!complete) file.chunks = emptyChunks(file.chunks.length); // cannot happen with proven chunks
    return { ok: true, file: asked.file, layerComplete: complete };
  }

  /** A `hash reject` from `peer`: false when we never asked it. The chunk is free for another peer. */
  onReject(peer: PeerKey, range: HashRange): boolean {
    const asked = this.take(peer, range);
    if (asked) this.refused(asked);
    return asked !== undefined;
  }

  /** The peer will not (or did not in time) give this chunk: another peer is asked. */
  private refused(entry: Outstanding): void {
    let chunks = this.refusedBy.get(entry.peer);
    if (!chunks) this.refusedBy.set(entry.peer, (chunks = new Set()));
    chunks.add(`${entry.file}:${entry.chunk}`);
  }

  /** Requests unanswered for HASH_REQUEST_TIMEOUT_MS are forgotten (their chunks asked again); returns them. */
  expire(now: number): Array<{ peer: PeerKey; range: HashRange }> {
    const late = this.outstanding.filter((entry) => now - entry.sentAt >= HASH_REQUEST_TIMEOUT_MS);
    for (const entry of late) {
      this.outstanding.splice(this.outstanding.indexOf(entry), 1);
      this.refused(entry);
    }
    return late.map(({ peer, range }) => ({ peer, range }));
  }

  /** The peer left: its requests are free for others, its serving budget forgotten. */
  peerGone(peer: PeerKey): void {
    for (let i = this.outstanding.length - 1; i >= 0; i--)
      if (this.outstanding[i].peer === peer) this.outstanding.splice(i, 1);
    this.served.delete(peer);
    this.refusedBy.delete(peer);
  }

  /** Requests out now (to all peers). */
  get pending(): number {
    return this.outstanding.length;
  }

  /**
   * Our answer to `peer`'s hash request: the hashes with their proof from a known layer, or a reject (an unknown
   * root or layer, a range outside the tree, more than MAX_ANSWER_HASHES, or the peer over its serving budget).
   */
  answer(peer: PeerKey, request: HashRange, now: number): WireMessage {
    const reject: WireMessage = { type: 'hash-reject', ...pickRange(request) };
    const f = this.byRoot.get(toHex(request.piecesRoot));
    const tree = f === undefined ? undefined : this.files[f].tree;
    if (!tree || request.length > MAX_ANSWER_HASHES) return reject;
    const hashes = tree.hashes(request.baseLayer, request.index, request.length, request.proofLayers);
    if (!hashes) return reject;
    if (!this.spend(peer, hashes.length, now)) return reject;
    return { type: 'hashes', ...pickRange(request), hashes: joinNodes(hashes) };
  }
}

/** The range fields of a message (without its type or hashes). */
export function pickRange(range: HashRange): HashRange {
  const { piecesRoot, baseLayer, index, length, proofLayers } = range;
  return { piecesRoot, baseLayer, index, length, proofLayers };
}

/** No chunk received yet (no holes: `some` and `every` see each slot). */
function emptyChunks(count: number): Array<Uint8Array[] | undefined> {
  return Array.from({ length: count }, () => undefined);
}

/** Leaves of a file's tree: its 16 KiB blocks padded to a power of two. */
function leavesOf(length: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, Math.ceil(length / 16384))));
}
