// Hashing files into a v2 or hybrid info dictionary (BEP 52, BEP 47): each file read once, piece by piece, for its
// piece layer and merkle root and, in a hybrid, the v1 SHA-1 pieces of the same bytes; the v2 file tree in BEP 52's
// canonical order, and the v1 files list with a pad file after every file that does not end on a piece boundary.
import { bytesToBinary, utf8ToBytes, type BDict } from './bencode';
import { concatBytes } from './bytes';
import { toHex } from './hex';
import { MetainfoError, type Sha1, type SourceFile } from './metainfo';
import { leafHashes, pieceHash, rootFromPieceLayer, type Sha256 } from '../hash/merkle';

const SHA1_LENGTH = 20;

/** Compares two paths as BEP 52 orders a file tree: component by component, by UTF-8 bytes. */
export function compareCanonicalPaths(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    for (let j = 0; j < Math.min(x.length, y.length); j++) if (x[j] !== y[j]) return x[j] - y[j];
    if (x.length !== y.length) return x.length - y.length;
  }
  return a.length - b.length;
}

/** A null-prototype dictionary, so that a file named `__proto__` is an ordinary key. */
export const emptyDict = (): BDict => Object.create(null) as BDict;

/** Inserts a file's `{'': entry}` at its path in a file tree. */
function addToTree(tree: BDict, path: readonly Uint8Array[], entry: BDict): void {
  let node = tree;
  for (const component of path.slice(0, -1)) {
    const key = bytesToBinary(component);
    node = (node[key] as BDict | undefined) ?? (node[key] = emptyDict());
  }
  const leaf = emptyDict();
  leaf[''] = entry;
  node[bytesToBinary(path[path.length - 1])] = leaf;
}

/** Copies `data` into a buffer of `length` bytes, zeros after it (a v1 piece followed by its pad file). */
function zeroPadded(data: Uint8Array, length: number): Uint8Array {
  if (data.length === length) return data;
  const out = new Uint8Array(length);
  out.set(data);
  return out;
}

/** Pieces read but not yet hashed before reading pauses, unless told otherwise. */
export const DEFAULT_IN_FLIGHT = 4;

export interface FileHashing {
  pieceLength: number;
  sha256: Sha256;
  /** For a hybrid's v1 pieces. */
  sha1?: Sha1;
  /** Whether a v1 piece ends with its pad file's zeros (multi-file) or is cut short (single file). */
  padV1: boolean;
  maxInFlight: number;
  onBytes: (size: number) => void;
}

/**
 * Reads one file once, piece by piece (reading ahead while earlier pieces hash), for its v2 piece hashes and, in a
 * hybrid, the v1 piece hashes of the same bytes (the file starts on a piece boundary).
 */
async function hashFile(
  file: SourceFile,
  how: FileHashing,
): Promise<{ pieces: Uint8Array[]; v1: Uint8Array[] }> {
  const { pieceLength, sha256, sha1 } = how;
  const count = Math.ceil(file.length / pieceLength);
  const pieces = new Array<Uint8Array>(count);
  const v1 = new Array<Uint8Array>(sha1 ? count : 0);
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const at = index * pieceLength;
    const size = Math.min(pieceLength, file.length - at);
    const data = await file.read(at, size);
    if (data.length !== size) {
      throw new MetainfoError(
        `Reading "${file.path.join('/')}" at ${at} gave ${data.length} bytes instead of ${size}`,
      );
    }
    const job = Promise.all([
      leafHashes(data, sha256).then((leaves) => pieceHash(leaves, pieceLength, file.length, sha256)),
      sha1?.(how.padV1 ? zeroPadded(data, pieceLength) : data),
    ]).then(([piece, v1Piece]) => {
      pieces[index] = piece;
      if (v1Piece) {
        if (v1Piece.length !== SHA1_LENGTH)
          throw new MetainfoError(`sha1 returned ${v1Piece.length} bytes, not 20`);
        v1[index] = v1Piece;
      }
      how.onBytes(size);
    });
    // A failure is reported when this piece's turn comes; until then it must not count as unhandled.
    job.catch(() => undefined);
    inFlight.push(job);
    if (inFlight.length >= how.maxInFlight) await inFlight.shift();
  }
  for (const job of inFlight) await job;
  return { pieces, v1 };
}

/** What hashing a torrent's files gives: the v2 file tree and piece layers, the v1 files list and pieces. */
export interface HashedFiles {
  tree: BDict;
  pieceLayers: Map<string, Uint8Array>;
  v1Files: BDict[];
  v1Pieces: Uint8Array[];
}

/**
 * Hashes `files` in BEP 52's canonical order. `single` (one file whose path is [name]): the tree holds [name], and
 * the v1 view is one file with no pad.
 */
export async function hashTorrentFiles(
  files: SourceFile[],
  name: string,
  single: boolean,
  hashing: FileHashing,
): Promise<HashedFiles> {
  const { pieceLength, sha256 } = hashing;
  const ordered = files
    .map((file) => ({ file, encoded: file.path.map(utf8ToBytes) }))
    .sort((a, b) => compareCanonicalPaths(a.encoded, b.encoded));
  const hashed: HashedFiles = { tree: emptyDict(), pieceLayers: new Map(), v1Files: [], v1Pieces: [] };
  let offset = 0;
  for (const { file, encoded } of ordered) {
    const { pieces, v1 } = await hashFile(file, hashing);
    for (const hash of v1) hashed.v1Pieces.push(hash);
    const entry: BDict = { length: file.length };
    if (pieces.length > 0) {
      const root = pieces.length === 1 ? pieces[0] : await rootFromPieceLayer(pieces, pieceLength, sha256);
      entry['pieces root'] = root;
      if (pieces.length > 1) hashed.pieceLayers.set(toHex(root), concatBytes(pieces));
    }
    addToTree(hashed.tree, single ? [utf8ToBytes(name)] : encoded, entry);
    hashed.v1Files.push({ length: file.length, path: encoded });
    offset += file.length;
    if (!single) offset += padAfter(hashed.v1Files, file.length, offset, pieceLength);
  }
  return hashed;
}

/** The BEP 47 pad file after a file that does not end on a piece boundary, added to `v1Files`; its length. */
function padAfter(v1Files: BDict[], fileLength: number, offset: number, pieceLength: number): number {
  if (fileLength === 0 || offset % pieceLength === 0) return 0;
  const pad = pieceLength - (offset % pieceLength);
  v1Files.push({
    attr: utf8ToBytes('p'),
    length: pad,
    path: [utf8ToBytes('.pad'), utf8ToBytes(String(pad))],
  });
  return pad;
}
