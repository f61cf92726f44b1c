import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bitfield } from './bitfield';

describe('Bitfield', () => {
  it('sets, gets and counts bits most significant first', () => {
    const field = new Bitfield(10);
    field.set(0);
    field.set(9);
    expect(field.bytes).toEqual(new Uint8Array([0x80, 0x40]));
    expect(field.get(0)).toBe(true);
    expect(field.get(1)).toBe(false);
    expect(field.count()).toBe(2);
    field.set(0, false);
    expect(field.count()).toBe(1);
  });

  it('finds the first missing bit and knows when it is complete', () => {
    const field = new Bitfield(9);
    expect(field.firstMissing()).toBe(0);
    for (let i = 0; i < 8; i++) field.set(i);
    expect(field.firstMissing()).toBe(8);
    field.set(8);
    expect(field.firstMissing()).toBe(-1);
    expect(field.isComplete()).toBe(true);
  });

  it('fills every bit but leaves the spare bits zero', () => {
    const field = Bitfield.full(11);
    expect(field.bytes).toEqual(new Uint8Array([0xff, 0xe0]));
    expect(field.count()).toBe(11);
  });

  it('rejects parsed bitfields with spare bits set or the wrong size', () => {
    expect(() => Bitfield.fromBytes(new Uint8Array([0xff, 0xf0]), 11)).toThrow(/spare bits/);
    expect(() => Bitfield.fromBytes(new Uint8Array([0xff]), 11)).toThrow(/needs 2 bytes/);
    expect(Bitfield.fromBytes(new Uint8Array([0xff, 0xe0]), 11).count()).toBe(11);
  });

  it('rejects out-of-range writes', () => {
    expect(() => new Bitfield(4).set(4)).toThrow(RangeError);
    expect(new Bitfield(4).get(7)).toBe(false);
  });

  it('counts as many bits as were set (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat()), (length, picks) => {
        const field = new Bitfield(length);
        const expected = new Set(picks.map((p) => p % length));
        for (const i of expected) field.set(i);
        expect(field.count()).toBe(expected.size);
        const missing = [...Array(length).keys()].find((i) => !expected.has(i)) ?? -1;
        expect(field.firstMissing()).toBe(missing);
        expect(Bitfield.fromBytes(field.bytes, length).count()).toBe(expected.size);
      }),
    );
  });
});
