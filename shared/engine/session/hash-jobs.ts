// The hash checks a session handed out (`hash` actions) and what each is for. Ids are unique per session: piece and
// metadata checks share the sequence.
// A `piece-v2` check hashes a piece's 16 KiB blocks with SHA-256 (its leaves), checked against its file's merkle tree;
// a `leaves` job hashes a stored piece's blocks the same way to answer a peer's request for its leaf hashes.
export type HashJob =
  | { kind: 'piece' | 'piece-v2'; index: number }
  | { kind: 'leaves'; peer: PeerKey; index: number }
  | { kind: 'metadata' };

import type { EngineAction, PeerKey } from '../contract/engine-types';

export class HashJobs {
  private readonly jobs = new Map<number, HashJob>();
  private next = 1;

  /** The id of a new check. */
  start(job: HashJob): number {
    const id = this.next++;
    this.jobs.set(id, job);
    return id;
  }

  /** The `hash` action of a new check: SHA-1 of the data, or SHA-256 of its 16 KiB blocks for a `piece-v2`;
   * `urgent` for a piece a player waits for. */
  action(job: HashJob, data: Uint8Array, urgent = false): EngineAction {
    const id = this.start(job);
    const flag = urgent ? { urgent: true as const } : {};
    return job.kind === 'piece-v2' || job.kind === 'leaves'
      ? { type: 'hash', id, data, algorithm: 'sha256-blocks', ...flag }
      : { type: 'hash', id, data, ...flag };
  }

  /** What a check's answer is for, once (undefined: not ours, or answered already). */
  take(id: number): HashJob | undefined {
    const job = this.jobs.get(id);
    this.jobs.delete(id);
    return job;
  }

  /** Answers still to come are ignored (the session stopped). */
  clear(): void {
    this.jobs.clear();
  }
}
