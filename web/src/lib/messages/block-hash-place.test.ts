import { describe, expect, it } from 'vitest';
import { hashWorkerWanted } from './block-hash-place';

describe('where the leaf hashes are computed', () => {
  it('in a hash worker unless the page asks for the engine worker', () => {
    expect(hashWorkerWanted('')).toBe(true);
    expect(hashWorkerWanted('?block-hashes=worker')).toBe(true);
    expect(hashWorkerWanted('?block-hashes=engine')).toBe(false);
    expect(hashWorkerWanted('?idle-timeout=12&block-hashes=engine')).toBe(false);
  });
});
