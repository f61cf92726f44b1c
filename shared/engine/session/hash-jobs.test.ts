import { describe, expect, it } from 'vitest';
import { HashJobs } from './hash-jobs';

describe('HashJobs', () => {
  it('gives each check a new id and answers each once', () => {
    const jobs = new HashJobs();
    const piece = jobs.start({ kind: 'piece', index: 3 });
    const metadata = jobs.start({ kind: 'metadata' });
    expect(metadata).toBe(piece + 1);
    expect(jobs.take(metadata)).toEqual({ kind: 'metadata' });
    expect(jobs.take(metadata)).toBeUndefined();
    expect(jobs.take(999)).toBeUndefined();
    jobs.clear();
    expect(jobs.take(piece)).toBeUndefined();
    expect(jobs.start({ kind: 'metadata' })).toBe(metadata + 1); // ids are not reused
  });

  it('asks SHA-1 of a piece, and the SHA-256 of each block of a v2 piece', () => {
    const jobs = new HashJobs();
    const data = new Uint8Array(3);
    const v1 = jobs.action({ kind: 'piece', index: 1 }, data);
    const v2 = jobs.action({ kind: 'piece-v2', index: 1 }, data);
    expect(v1).toEqual({ type: 'hash', id: 1, data });
    expect(v2).toEqual({ type: 'hash', id: 2, data, algorithm: 'sha256-blocks' });
    expect(jobs.take(2)).toEqual({ kind: 'piece-v2', index: 1 });
  });
});
