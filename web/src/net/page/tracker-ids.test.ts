import { describe, expect, it } from 'vitest';
import { makePeerId, randomId } from './tracker-ids';

describe('tracker ids', () => {
  it('makes a 20-character peer id of our prefix and random bytes', () => {
    const id = makePeerId((n) => new Uint8Array(n).fill(0x41));
    expect(id).toBe('-SW0100-' + 'A'.repeat(12));
    expect(makePeerId()).toHaveLength(20);
  });

  it('makes offer ids of 20 random bytes', () => {
    expect(randomId((n) => new Uint8Array(n).fill(0x42))).toBe('B'.repeat(20));
  });
});
