// BEP 52's hash messages on the wire: their encoding, the hashes a range carries, and the decoder's checks.
import { describe, expect, it } from 'vitest';
import {
  WireDecoder,
  encodeMessage,
  hashCount,
  type HashRange,
  type WireItem,
  type WireMessage,
} from './wire';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const filled = (length: number, start: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);

function messages(items: WireItem[]): WireMessage[] {
  return items.map((item) => {
    if (item.kind !== 'message') throw new Error('expected a message');
    return item.message;
  });
}

describe('BEP 52 hash messages', () => {
  const root = filled(32, 0x40);
  const range: HashRange = { piecesRoot: root, baseLayer: 2, index: 512, length: 512, proofLayers: 12 };
  const header = '00000002' + '00000200' + '00000200' + '0000000c';

  it('encode the pieces root, base layer, index, length and proof layers (ids 21, 22, 23)', () => {
    expect(hex(encodeMessage({ type: 'hash-request', ...range }))).toBe('0000003115' + hex(root) + header);
    expect(hex(encodeMessage({ type: 'hash-reject', ...range }))).toBe('0000003117' + hex(root) + header);
    // 512 hashes of the base layer give 9 layers above it; 12 proof layers (as libtorrent counts them) add the
    // uncles of layers 9 to 12.
    expect(hashCount(range)).toBe(516);
    const hashes = filled(516 * 32, 9);
    const encoded = encodeMessage({ type: 'hashes', ...range, hashes });
    expect(hex(encoded.subarray(0, 5 + 48))).toBe(
      (49 + 516 * 32).toString(16).padStart(8, '0') + '16' + hex(root) + header,
    );
    expect(messages(new WireDecoder({ expectHandshake: false }).push(encoded))).toEqual([
      { type: 'hashes', ...range, hashes },
    ]);
  });

  it('count the uncles of the layers from the subtree the hashes give up to the proof layers, as libtorrent does', () => {
    const at = (length: number, proofLayers: number) =>
      hashCount({ ...range, index: 0, length, proofLayers });
    expect(at(1, 0)).toBe(2);
    expect(at(1, 5)).toBe(7);
    expect(at(2, 0)).toBe(2);
    expect(at(2, 1)).toBe(3);
    expect(at(4, 1)).toBe(4);
    expect(at(4, 5)).toBe(8);
    // libtorrent's request for the first 512 piece hashes of a 1,024-leaf layer: one uncle.
    expect(at(512, 9)).toBe(513);
  });

  it.each([
    [{ length: 3 }, /power of two/],
    [{ length: 0 }, /power of two/],
    [{ index: 256 }, /multiple/],
    [{ proofLayers: 64 }, /proof layers/],
  ])('refuse the malformed range %o on the wire and when encoding', (change, problem) => {
    const bad = { ...range, ...change };
    expect(() => encodeMessage({ type: 'hash-request', ...bad })).toThrow(RangeError);
    const bytes = encodeMessage({ type: 'hash-request', ...range });
    const view = new DataView(bytes.buffer);
    view.setUint32(37, bad.baseLayer);
    view.setUint32(41, bad.index);
    view.setUint32(45, bad.length);
    view.setUint32(49, bad.proofLayers);
    expect(() => new WireDecoder({ expectHandshake: false }).push(bytes)).toThrow(problem);
  });

  it('refuse hashes whose count does not match the range, and frames of the wrong size', () => {
    const small: HashRange = { ...range, index: 0, length: 2, proofLayers: 2 };
    const good = encodeMessage({ type: 'hashes', ...small, hashes: filled(4 * 32, 1) });
    expect(() => encodeMessage({ type: 'hashes', ...small, hashes: filled(3 * 32, 1) })).toThrow(RangeError);
    // The same frame with one hash less: well framed, but not what the range says.
    const short = good.slice(0, good.length - 32);
    new DataView(short.buffer).setUint32(0, short.length - 4);
    expect(() => new WireDecoder({ expectHandshake: false }).push(short)).toThrow(/carries 4 hashes, not 3/);
    for (const bytes of [
      '0000003015' + '00'.repeat(47), // hash request of 48
      '0000003217' + '00'.repeat(49), // hash reject of 50
      '0000003116' + '00'.repeat(48), // hashes without a hash
      '0000005016' + '00'.repeat(79), // hashes with 31 bytes of hash
    ]) {
      const decoder = new WireDecoder({ expectHandshake: false });
      expect(() => decoder.push(Buffer.from(bytes, 'hex')), bytes).toThrow(/invalid length/);
    }
  });

  it('refuse a pieces root of the wrong size', () => {
    expect(() => encodeMessage({ type: 'hash-request', ...range, piecesRoot: new Uint8Array(20) })).toThrow(
      /32 bytes/,
    );
  });
});
