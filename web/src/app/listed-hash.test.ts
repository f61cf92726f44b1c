import { describe, expect, it } from 'vitest';
import { listedHash } from './listed-hash';

describe('listedHash', () => {
  it('reads the info hash of a magnet link or a bare hash', () => {
    const hash = 'ab'.repeat(20);
    expect(listedHash(`magnet:?xt=urn:btih:${hash}&dn=x`)).toBe(hash);
    expect(listedHash(hash.toUpperCase()).toLowerCase()).toBe(hash);
  });
  it('names none for what is not a link', () => {
    expect(listedHash('hello')).toBe('');
  });
});
