import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunCache } from './run-cache';

const folder = () => mkdtempSync(join(tmpdir(), 'run-cache-'));

describe('RunCache', () => {
  it('computes a run once and hands its kept outcome to every later ask, in any process', () => {
    const dir = folder();
    let computed = 0;
    const compute = () => ({ times: [1, null], n: ++computed });
    expect(new RunCache(dir).memo('a', compute)).toEqual({ times: [1, null], n: 1 });
    expect(new RunCache(dir).memo('a', compute)).toEqual({ times: [1, null], n: 1 });
    expect(new RunCache(dir).memo('b', compute)).toEqual({ times: [1, null], n: 2 });
    expect(computed).toBe(2);
  });

  it('lets one process claim a run', () => {
    const dir = folder();
    expect(new RunCache(dir).claim('a')).toBe(true);
    expect(new RunCache(dir).claim('a')).toBe(false);
  });

  it('waits for a run another process claimed instead of computing it again', () => {
    const dir = folder();
    const other = new RunCache(dir);
    other.claim('a');
    // The other process finishes while this one waits (simulated by a wait that writes it).
    let waits = 0;
    const cache = new RunCache(dir, 1);
    const originalHas = cache.has.bind(cache);
    cache.has = (key: string) => {
      if (++waits === 3) other.put(key, { n: 7 });
      return originalHas(key);
    };
    expect(cache.memo('a', () => ({ n: 0 }))).toEqual({ n: 7 });
    expect(waits).toBeGreaterThanOrEqual(3);
  });
});
