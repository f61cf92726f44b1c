import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTorrent, type TorrentKind } from '../../../node-host/make-torrent';
import { Scratch } from '../../../node-host/testing/fixtures';
import { readTorrent, type TorrentSource } from '../../../node-host/torrent-source';
import { pieceSize } from '../../../shared/codec/metainfo';
import { mulberry32, randomBytes } from '../../../shared/engine/testing/random';
import {
  CHALLENGE_BUCKET_MS,
  KeepProofs,
  PIECES_TOO_LARGE,
  PROOF_NEEDED,
  PROOF_STALE,
  PROOF_WRONG,
} from './keep-proof';

const scratch = new Scratch('keep-proof');
afterEach(() => scratch.cleanup());

const PIECE = 32 * 1024;

/** A file of three and a half pieces, its torrent of `kind`, and its bytes. */
async function share(kind: TorrentKind, pieceLength = PIECE) {
  const content = randomBytes(mulberry32(7), Math.floor(3.5 * pieceLength));
  const path = join(await scratch.folder(), 'file.bin');
  await writeFile(path, content);
  const source = await readTorrent(await makeTorrent(path, { kind, pieceLength }));
  return { source, content };
}

/** Piece `index` as the engine serves it: the file's bytes, then zeros to the piece's size (a v2 piece's padding). */
function pieceOf(source: TorrentSource, content: Uint8Array, index: number): Uint8Array {
  const bytes = new Uint8Array(pieceSize(source.info, index));
  bytes.set(content.subarray(index * source.info.pieceLength, (index + 1) * source.info.pieceLength));
  return bytes;
}

describe('KeepProofs', () => {
  for (const kind of ['v1', 'hybrid', 'v2'] as const) {
    it(`takes the piece it named, and refuses other bytes or another piece (${kind})`, async () => {
      const { source, content } = await share(kind);
      const proofs = new KeepProofs();
      const asked = proofs.challenge(source.info.infoHashHex, source.info.pieceCount);
      const right = pieceOf(source, content, asked.piece);
      expect(proofs.refusal(source, { ...asked, bytes: right })).toBeUndefined();

      const wrong = right.slice();
      // A byte of the file's (the last piece's end may be padding, which a v2 piece's hash does not cover).
      wrong[0] ^= 1;
      expect(proofs.refusal(source, { ...asked, bytes: wrong })).toBe(PROOF_WRONG);
      expect(proofs.refusal(source, { ...asked, bytes: right.subarray(1) })).toBe(PROOF_WRONG);
      const other = (asked.piece + 1) % source.info.pieceCount;
      const otherBytes = pieceOf(source, content, other);
      expect(proofs.refusal(source, { ...asked, piece: other, bytes: otherBytes })).toBe(PROOF_WRONG);
    });
  }

  it('checks every piece of a v2 torrent against its piece layer, the short last one included', async () => {
    const { source, content } = await share('v2');
    const proofs = new KeepProofs();
    for (let hour = 0; hour < 40; hour++) {
      const at = new KeepProofs(Buffer.alloc(32, hour), () => hour * CHALLENGE_BUCKET_MS);
      const asked = at.challenge(source.info.infoHashHex, source.info.pieceCount);
      expect(at.refusal(source, { ...asked, bytes: pieceOf(source, content, asked.piece) })).toBeUndefined();
    }
    expect(proofs.refusal(source, undefined)).toBe(PROOF_NEEDED);
  });

  it('refuses a nonce it did not make, another share’s, or one past its time', async () => {
    const { source, content } = await share('v1');
    let now = 10 * CHALLENGE_BUCKET_MS;
    const proofs = new KeepProofs(Buffer.alloc(32, 1), () => now);
    const asked = proofs.challenge(source.info.infoHashHex, source.info.pieceCount);
    const bytes = pieceOf(source, content, asked.piece);

    const stranger = new KeepProofs(Buffer.alloc(32, 2), () => now);
    const forged = stranger.challenge(source.info.infoHashHex, source.info.pieceCount);
    const forgedBytes = pieceOf(source, content, forged.piece);
    expect(proofs.refusal(source, { ...forged, bytes: forgedBytes })).toBe(PROOF_STALE);
    const flipped = asked.nonce.slice(0, -1) + (asked.nonce.endsWith('0') ? '1' : '0');
    expect(proofs.refusal(source, { ...asked, nonce: flipped, bytes })).toBe(PROOF_STALE);
    const elsewhere = proofs.challenge('ab'.repeat(20), source.info.pieceCount);
    const elsewhereBytes = pieceOf(source, content, elsewhere.piece);
    expect(proofs.refusal(source, { ...elsewhere, bytes: elsewhereBytes })).toBe(PROOF_STALE);

    now += CHALLENGE_BUCKET_MS;
    expect(proofs.refusal(source, { ...asked, bytes })).toBeUndefined();
    now += CHALLENGE_BUCKET_MS;
    expect(proofs.refusal(source, { ...asked, bytes })).toBe(PROOF_STALE);
  });

  it('refuses in words a share whose pieces are larger than a proof carries', async () => {
    const { source } = await share('v1', 2 * 1024 * 1024);
    expect(new KeepProofs().refusal(source, undefined)).toBe(PIECES_TOO_LARGE);
  });
});
