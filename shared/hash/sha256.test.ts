import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Sync } from './sha256';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const reference = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('sha256Sync', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    expect(hex(sha256Sync(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256Sync(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(
      hex(sha256Sync(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with node:crypto at every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(hex(sha256Sync(data)), String(length)).toBe(reference(data));
    }
  });

  it('agrees with node:crypto on random inputs, a 16 KiB block among them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (data) => {
        expect(hex(sha256Sync(data))).toBe(reference(data));
      }),
      { numRuns: 200 },
    );
    const block = Uint8Array.from({ length: 16384 }, (_, i) => (i * 7) & 0xff);
    expect(hex(sha256Sync(block))).toBe(reference(block));
  });
});
