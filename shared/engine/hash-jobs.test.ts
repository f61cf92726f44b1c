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
});
