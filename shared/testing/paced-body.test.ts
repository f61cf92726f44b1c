import { describe, expect, it } from 'vitest';
import { CATCH_UP_MS, PACE_CHUNK_BYTES, Pacer } from './paced-body';

describe('Pacer', () => {
  it('gives each chunk the next free slot of the rate, shared by every answer', () => {
    let now = 0;
    const pacer = new Pacer(1_000_000, () => now);
    expect(pacer.reserve(500_000)).toBe(0);
    // Another answer's chunk at the same moment waits for the first one's half second.
    expect(pacer.reserve(250_000)).toBe(500);
    now = 600;
    expect(pacer.reserve(250_000)).toBe(150);
  });

  it('banks at most CATCH_UP_MS of an idle spell: after it, chunks wait their turn again', () => {
    let now = 0;
    const pacer = new Pacer(PACE_CHUNK_BYTES * 1000, () => now); // a chunk a millisecond
    pacer.reserve(PACE_CHUNK_BYTES);
    now = 10_000;
    for (let chunk = 0; chunk < CATCH_UP_MS; chunk++) expect(pacer.reserve(PACE_CHUNK_BYTES)).toBe(0);
    expect(pacer.reserve(PACE_CHUNK_BYTES)).toBe(0);
    expect(pacer.reserve(PACE_CHUNK_BYTES)).toBe(1);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(RangeError);
  });
});
