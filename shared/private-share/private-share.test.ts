import { describe, expect, it } from 'vitest';
import { nodeAead } from '../testing/aead';
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
  plainFiles,
  PrivateShareError,
  recordNonce,
  recordPlainSize,
  recordsOfRange,
  sealedRange,
  TAG_BYTES,
  WRONG_KEY_MESSAGE,
  type Manifest,
} from './private-share';

const key = new Uint8Array(32).map((_, i) => i * 7 + 1);
const otherKey = new Uint8Array(32).map((_, i) => i * 7 + 2);

function filesOf(sizes: number[]): { manifest: Manifest; bytes: Uint8Array } {
  let total = 0;
  for (const size of sizes) total += size;
  const bytes = new Uint8Array(total).map((_, i) => (i * 31 + 7) % 251);
  return {
    manifest: {
      name: 'holiday',
      files: sizes.map((length, i) => ({ path: ['holiday', `clip ${i}.mp4`], length })),
    },
    bytes,
  };
}

/** A whole private share's ciphertext, as the worker makes it, in pieces of `pieceLength`. */
async function seal(sizes: number[], pieceLength: number, withKey = key) {
  const { manifest, bytes } = filesOf(sizes);
  const encoded = encodeManifest(manifest);
  const layout = planLayout(pieceLength, encoded.length, bytes.length);
  const region = manifestRegion(layout, encoded);
  const readFiles = async (start: number, end: number) => bytes.slice(start, end);
  const cipher = await sealedRange(nodeAead(withKey), layout, region, readFiles, 0, layout.cipherLength);
  return { manifest, bytes, layout, cipher };
}

const piece = (cipher: Uint8Array, pieceLength: number, i: number) =>
  cipher.subarray(i * pieceLength, Math.min(cipher.length, (i + 1) * pieceLength));

describe('private share layout', () => {
  it('makes one record per piece, each the piece length, the last shorter', async () => {
    const { layout, cipher } = await seal([70_000, 0, 5_000], 16_384);
    expect(cipher.length).toBe(layout.cipherLength);
    expect(layout.recordSize).toBe(16_384 - TAG_BYTES);
    expect(layout.recordCount).toBe(Math.ceil(cipher.length / 16_384));
    expect(layout.cipherLength).toBe(layout.plainLength + layout.recordCount * TAG_BYTES);
    // The torrent's layout can be found again from its length and the manifest's record count.
    expect(layoutOf(16_384, layout.manifestRecords, cipher.length)).toEqual(layout);
  });

  it('derives distinct nonces from the index, with the last record marked', () => {
    expect(Array.from(recordNonce(0, false))).toEqual(new Array(12).fill(0));
    expect(Array.from(recordNonce(258, true))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1]);
    expect(recordNonce(1, false)).not.toEqual(recordNonce(1, true));
  });
});

describe('private share records', () => {
  it('round-trips: every piece opens alone and the files come back byte for byte', async () => {
    const { manifest, bytes, layout, cipher } = await seal([40_000, 1, 33_000], 16_384);
    const aead = nodeAead(key);
    const plain: Uint8Array[] = [];
    for (let i = 0; i < layout.recordCount; i++)
      plain.push(await openRecord(aead, layout, i, piece(cipher, 16_384, i)));
    const stream = new Uint8Array(layout.plainLength);
    plain.forEach((record, i) => stream.set(record, i * layout.recordSize));
    expect(manifestRecordCount(plain[0], layout.recordSize)).toBe(layout.manifestRecords);
    const region = stream.subarray(0, layout.manifestRecords * layout.recordSize);
    expect(decodeManifest(region, layout)).toEqual(manifestLike(manifest));
    expect(stream.subarray(region.length)).toEqual(bytes);
  });

  it('is deterministic under one key and different under another', async () => {
    const a = await seal([50_000], 16_384);
    const b = await seal([50_000], 16_384);
    const c = await seal([50_000], 16_384, otherKey);
    expect(b.cipher).toEqual(a.cipher);
    expect(c.cipher).not.toEqual(a.cipher);
  });

  it('hides the plaintext: no run of the files or the names appears in the ciphertext', async () => {
    const { cipher, bytes } = await seal([60_000], 16_384);
    const text = Buffer.from(cipher).toString('latin1');
    expect(text.includes('holiday')).toBe(false);
    expect(text.includes('clip 0.mp4')).toBe(false);
    expect(Buffer.from(cipher).indexOf(Buffer.from(bytes.subarray(100, 132)))).toBe(-1);
  });

  it('refuses a wrong key with the plain-words message', async () => {
    const { layout, cipher } = await seal([20_000], 16_384);
    await expect(openRecord(nodeAead(otherKey), layout, 0, piece(cipher, 16_384, 0))).rejects.toThrow(
      WRONG_KEY_MESSAGE,
    );
  });

  it('refuses a tampered record, a record moved to another index, and a last record cut short', async () => {
    const { layout, cipher } = await seal([40_000], 16_384);
    const aead = nodeAead(key);
    const tampered = piece(cipher, 16_384, 1).slice();
    tampered[100] ^= 1;
    await expect(openRecord(aead, layout, 1, tampered)).rejects.toThrow(PrivateShareError);
    await expect(openRecord(aead, layout, 2, piece(cipher, 16_384, 1))).rejects.toThrow(WRONG_KEY_MESSAGE);
    const last = layout.recordCount - 1;
    await expect(openRecord(aead, layout, last, piece(cipher, 16_384, last).subarray(1))).rejects.toThrow(
      WRONG_KEY_MESSAGE,
    );
  });

  it('seals any ciphertext range the same as the whole', async () => {
    const { manifest, bytes, layout, cipher } = await seal([45_000], 16_384);
    const encoded = encodeManifest(manifest);
    const region = manifestRegion(layout, encoded);
    const read = async (start: number, end: number) => bytes.slice(start, end);
    const part = await sealedRange(nodeAead(key), layout, region, read, 10_000, 40_000);
    expect(part).toEqual(cipher.subarray(10_000, 40_000));
  });
});

describe('private share ranges', () => {
  it('maps a file range to the records that hold it, and those records give exactly its bytes', async () => {
    const { manifest, bytes, layout, cipher } = await seal([30_000, 50_000], 16_384);
    const files = plainFiles(layout, manifest);
    expect(files[1].offset).toBe(layout.manifestRecords * layout.recordSize + 30_000);
    const aead = nodeAead(key);
    // Bytes 20,000..45,000 of the second file.
    const start = files[1].offset + 20_000;
    const end = files[1].offset + 45_000;
    const { first, last } = recordsOfRange(layout, start, end);
    const parts: Uint8Array[] = [];
    for (let i = first; i <= last; i++)
      parts.push(await openRecord(aead, layout, i, piece(cipher, 16_384, i)));
    const joined = Buffer.concat(parts);
    const got = joined.subarray(start - first * layout.recordSize, end - first * layout.recordSize);
    expect(new Uint8Array(got)).toEqual(bytes.subarray(30_000 + 20_000, 30_000 + 45_000));
    expect(recordsOfRange(layout, 5, 5)).toEqual({ first: 0, last: -1 });
    expect(recordPlainSize(layout, layout.recordCount - 1)).toBeGreaterThan(0);
  });
});

describe('private share manifest', () => {
  it('refuses a manifest whose sizes do not fill the torrent, or with an unsafe path', () => {
    const manifest: Manifest = { name: 'a', files: [{ path: ['a', 'b.txt'], length: 10 }] };
    const encoded = encodeManifest(manifest);
    const layout = planLayout(16_384, encoded.length, 11);
    expect(() => decodeManifest(manifestRegion(layout, encoded), layout)).toThrow(/size/);
    expect(() => encodeManifest({ name: 'a', files: [{ path: ['..', 'x'], length: 1 }] })).toThrow(
      PrivateShareError,
    );
  });

  it('spans several records when the file list is long', () => {
    const files = Array.from({ length: 2000 }, (_, i) => ({
      path: ['dir', `file number ${i}.txt`],
      length: 1,
    }));
    const encoded = encodeManifest({ name: 'dir', files });
    const layout = planLayout(16_384, encoded.length, 2000);
    expect(layout.manifestRecords).toBeGreaterThan(1);
    const region = manifestRegion(layout, encoded);
    expect(manifestRecordCount(region.subarray(0, layout.recordSize), layout.recordSize)).toBe(
      layout.manifestRecords,
    );
    expect(decodeManifest(region, layout).files).toHaveLength(2000);
  });
});

describe('keys in links', () => {
  it('encodes 256 bits as 43 base64url characters and back', () => {
    const text = encodeKey(key);
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decodeKey(text)).toEqual(key);
    expect(encodeKey(new Uint8Array(32).fill(255))).toBe('_'.repeat(42) + '8');
  });

  it('refuses a damaged key', () => {
    const text = encodeKey(key);
    expect(() => decodeKey(text.slice(1))).toThrow(WRONG_KEY_MESSAGE);
    expect(() => decodeKey(text.slice(0, 42) + '!')).toThrow(WRONG_KEY_MESSAGE);
    expect(() => decodeKey(text.slice(0, 42) + 'B')).toThrow(WRONG_KEY_MESSAGE); // spare bits set
  });
});

function manifestLike(manifest: Manifest): Manifest {
  return { name: manifest.name, files: manifest.files };
}
