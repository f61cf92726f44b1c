// A cache of experiment runs shared by processes through a folder, so that `npm run lab -- all --cache DIR --jobs N`
// spreads the incentives experiment's runs over N processes (each run is deterministic, so a run's outcome does not
// depend on which process made it). A process claims a run by creating `<key>.claim` exclusively, computes it and
// writes `<key>.json`; a process that needs a run another one claimed waits for its JSON. A claim holds its
// process's pid and time: one whose process is gone (a killed worker) or older than `staleMs` is taken over, so a
// waiter never waits for ever.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** A claim older than this is stale even if its pid is alive (a pid reused, or a process stuck). */
export const CLAIM_STALE_MS = 3 * 60 * 60 * 1000;

interface ClaimRecord {
  pid: number;
  at: number;
}

/** Whether a process with this pid runs on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export class RunCache {
  constructor(
    private readonly dir: string,
    private readonly waitMs = 500,
    private readonly staleMs = CLAIM_STALE_MS,
    private readonly alive: (pid: number) => boolean = processAlive,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private path(key: string, ext: string): string {
    return join(this.dir, `${createHash('sha1').update(key).digest('hex')}.${ext}`);
  }

  /** Claims the run if nobody has: true if this process is to compute it. */
  claim(key: string): boolean {
    const path = this.path(key, 'claim');
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, JSON.stringify({ pid: process.pid, at: this.now() } satisfies ClaimRecord));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  /** Whether a claim record is stale: its process gone, or older than `staleMs` (a record without a time, written by
   *  an older version or torn by a crash, is judged by the file's age alone). */
  private stale(path: string, text: string): boolean {
    let record: Partial<ClaimRecord> = {};
    try {
      record = JSON.parse(text) as Partial<ClaimRecord>;
    } catch {
      // An empty or torn record: the writer died between creating and writing it, or is writing it now.
    }
    const at = typeof record.at === 'number' ? record.at : statSync(path).mtimeMs;
    if (this.now() - at > this.staleMs) return true;
    return typeof record.pid === 'number' && !this.alive(record.pid);
  }

  /** Removes the run's claim if it is stale, so the next `claim` can take it: true if it removed one. Two waiters
   *  racing each move the claim aside under their own name; only the one whose moved file is the stale claim
   *  removes it, and a fresh claim moved aside by mistake goes back. */
  releaseStale(key: string): boolean {
    const path = this.path(key, 'claim');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return false;
    }
    if (!this.stale(path, text)) return false;
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
    } catch {
      return false;
    }
    if (readFileSync(aside, 'utf8') !== text && !existsSync(path)) {
      renameSync(aside, path);
      return false;
    }
    unlinkSync(aside);
    return true;
  }

  has(key: string): boolean {
    return existsSync(this.path(key, 'json'));
  }

  /** Writes the outcome (through a temporary file, so a reader never sees half of it). */
  put(key: string, value: unknown): void {
    const path = this.path(key, 'json');
    writeFileSync(`${path}.tmp`, JSON.stringify(value));
    renameSync(`${path}.tmp`, path);
  }

  /** The run's outcome: kept, or computed here if unclaimed, or waited for if another process claimed it. */
  memo<T>(key: string, compute: () => T): T {
    for (;;) {
      if (this.has(key)) return JSON.parse(readFileSync(this.path(key, 'json'), 'utf8')) as T;
      if (this.claim(key)) {
        const value = compute();
        this.put(key, value);
        return JSON.parse(JSON.stringify(value)) as T;
      }
      if (this.releaseStale(key)) continue;
      sleepMs(this.waitMs);
    }
  }
}
