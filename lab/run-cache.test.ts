import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

describe('RunCache stale claims', () => {
  it('takes over a claim whose process is gone instead of waiting for ever', () => {
    const dir = folder();
    const killed = new RunCache(dir, 1, 60_000, () => true);
    expect(killed.claim('a')).toBe(true);
    // The claiming worker was killed: its pid no longer runs.
    const cache = new RunCache(dir, 1, 60_000, () => false);
    expect(cache.memo('a', () => ({ n: 3 }))).toEqual({ n: 3 });
  });

  it('takes over a claim older than the stale age even if its pid still runs', () => {
    const dir = folder();
    let clock = 1_000;
    const now = () => clock;
    new RunCache(dir, 1, 60_000, () => true, now).claim('a');
    const cache = new RunCache(dir, 1, 60_000, () => true, now);
    clock += 59_000;
    expect(cache.releaseStale('a')).toBe(false);
    clock += 2_000;
    expect(cache.releaseStale('a')).toBe(true);
    expect(cache.claim('a')).toBe(true);
  });

  it('keeps waiting on a fresh claim of a live process, and only one waiter takes a stale one over', () => {
    const dir = folder();
    new RunCache(dir, 1, 60_000, () => true).claim('a');
    expect(new RunCache(dir, 1, 60_000, () => true).releaseStale('a')).toBe(false);
    const first = new RunCache(dir, 1, 60_000, () => false);
    const second = new RunCache(dir, 1, 60_000, () => false);
    expect(first.releaseStale('a')).toBe(true);
    expect(first.claim('a')).toBe(true);
    // The new claim is this (live) process's own: the second waiter must not remove it.
    const liveCheck = new RunCache(dir, 1, 60_000, (pid) => pid === process.pid);
    expect(liveCheck.releaseStale('a')).toBe(false);
    expect(second.claim('a')).toBe(false);
  });

  it('judges an old claim without a record (an older version, or a torn write) by its file age', () => {
    const dir = folder();
    const cache = new RunCache(
      dir,
      1,
      60_000,
      () => true,
      () => Date.now() + 120_000,
    );
    writeFileSync(join(dir, `${createHash('sha1').update('a').digest('hex')}.claim`), '');
    expect(cache.releaseStale('a')).toBe(true);
    expect(new RunCache(dir, 1, 60_000, () => true).releaseStale('a')).toBe(false);
  });
});
