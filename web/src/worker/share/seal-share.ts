// Private shares in the worker: sealing the user's files into the ciphertext the share hashes and stores, and, in
// a tab that holds the key, finding the real files again (the manifest in the first pieces) once they are stored.
import { choosePieceLength } from '../../../../shared/codec/metainfo';
import {
  decodeKey,
  decodeManifest,
  encodeKey,
  encodeManifest,
  layoutOf,
  manifestRecordCount,
  manifestRegion,
  openRecord,
  planLayout,
  PrivateShareError,
  sealedRange,
  type Manifest,
  type PrivateLayout,
} from '../../../../shared/private-share/private-share';
import { randomKey, webAead } from '../../lib/crypto/private-crypto';
import type { PrivateRecordPart } from '../../lib/crypto/private-files';
import type { ShareFile, ShareSource } from './share-files';

/** What a private share is made of before it is hashed: its ciphertext as one source, and what its record keeps. */
export interface SealedShare {
  content: ShareSource;
  pieceLength: number;
  part: Required<PrivateRecordPart>;
}

/** Seals `files` (in the order given) under a fresh key; the content is sealed as the share reads it. */
export async function sealShare(files: ShareFile[], name: string): Promise<SealedShare> {
  const manifest: Manifest = {
    name,
    files: files.map((entry) => ({ path: entry.path, length: entry.file.size })),
  };
  const encoded = encodeManifest(manifest);
  const filesLength = files.reduce((sum, entry) => sum + entry.file.size, 0);
  const pieceLength = choosePieceLength(filesLength + encoded.length);
  const layout = planLayout(pieceLength, encoded.length, filesLength);
  const key = randomKey();
  const aead = await webAead(key);
  const region = manifestRegion(layout, encoded);
  const readFiles = filesReader(files);
  const content: ShareSource = {
    size: layout.cipherLength,
    slice: (start, end) => ({
      arrayBuffer: async () =>
        (await sealedRange(aead, layout, region, readFiles, start, end)).buffer as ArrayBuffer,
    }),
  };
  return {
    content,
    pieceLength,
    part: { key: encodeKey(key), manifest, manifestRecords: layout.manifestRecords },
  };
}

/** Bytes [start, end) of the files concatenated. */
function filesReader(files: ShareFile[]): (start: number, end: number) => Promise<Uint8Array> {
  const starts: number[] = [];
  let offset = 0;
  for (const entry of files) {
    starts.push(offset);
    offset += entry.file.size;
  }
  return async (start, end) => {
    const out = new Uint8Array(end - start);
    for (const [k, entry] of files.entries()) {
      const from = Math.max(start, starts[k]);
      const to = Math.min(end, starts[k] + entry.file.size);
      if (from >= to) continue;
      const bytes = await entry.file.slice(from - starts[k], to - starts[k]).arrayBuffer();
      out.set(new Uint8Array(bytes), from - start);
    }
    return out;
  };
}

/** What finding the manifest needs of the torrent. */
export interface ManifestSource {
  pieceLength: number;
  length: number;
  has(index: number): boolean;
  read(indices: number[]): Promise<ArrayBuffer[]>;
}

/** The manifest found, or the pieces still needed for it. A wrong key throws WRONG_KEY_MESSAGE. */
export type ManifestStep =
  { manifest: Manifest; manifestRecords: number; layout: PrivateLayout } | { want: number[] };

/** Decrypts the manifest from the first pieces once they are stored. */
export async function findManifest(key: string, torrent: ManifestSource): Promise<ManifestStep> {
  if (!torrent.has(0)) return { want: [0, 1] };
  const aead = await webAead(decodeKey(key));
  // The record count and sizes do not depend on the manifest's length: a first guess of one record opens record 0.
  const first = layoutOf(torrent.pieceLength, 1, torrent.length);
  const [piece0] = await torrent.read([0]);
  const record0 = await openRecord(aead, first, 0, new Uint8Array(piece0));
  const manifestRecords = manifestRecordCount(record0, first.recordSize);
  if (manifestRecords >= first.recordCount) throw new PrivateShareError('the manifest is damaged');
  const layout = layoutOf(torrent.pieceLength, manifestRecords, torrent.length);
  const rest: number[] = [];
  for (let i = 1; i < manifestRecords; i++) rest.push(i);
  const missing = rest.filter((i) => !torrent.has(i));
  if (missing.length > 0) return { want: missing };
  const region = new Uint8Array(manifestRecords * layout.recordSize);
  region.set(record0);
  const pieces = await torrent.read(rest);
  for (const [k, index] of rest.entries()) {
    const plain = await openRecord(aead, layout, index, new Uint8Array(pieces[k]));
    region.set(plain, index * layout.recordSize);
  }
  return { manifest: decodeManifest(region, layout), manifestRecords, layout };
}
