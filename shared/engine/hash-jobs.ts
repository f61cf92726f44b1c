// The hash checks a session handed out (`hash` actions) and what each is for. Ids are unique per session: piece and
// metadata checks share the sequence.
export type HashJob = { kind: 'piece'; index: number } | { kind: 'metadata' };

export class HashJobs {
  private readonly jobs = new Map<number, HashJob>();
  private next = 1;

  /** The id of a new check. */
  start(job: HashJob): number {
    const id = this.next++;
    this.jobs.set(id, job);
    return id;
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
