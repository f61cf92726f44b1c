// A cache of experiment runs shared by processes through a folder, so that `npm run lab -- all --cache DIR --jobs N`
// spreads the incentives experiment's runs over N processes (each run is deterministic, so a run's outcome does not
// depend on which process made it). A process claims a run by creating `<key>.claim` exclusively, computes it and
// writes `<key>.json`; a process that needs a run another one claimed waits for its JSON.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export class RunCache {
  constructor(
    private readonly dir: string,
    private readonly waitMs = 500,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private path(key: string, ext: string): string {
    return join(this.dir, `${createHash('sha1').update(key).digest('hex')}.${ext}`);
  }

  /** Claims the run if nobody has: true if this process is to compute it. */
  claim(key: string): boolean {
    try {
      closeSync(openSync(this.path(key, 'claim'), 'wx'));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
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
      sleepMs(this.waitMs);
    }
  }
}
