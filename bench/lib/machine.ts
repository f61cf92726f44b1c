// The machine and the commit a run was measured on.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  memory: string;
  browser: string;
  node: string;
  /** 1-minute load average when the run started and when it ended: above the core count, other work competed. */
  load: { start: number; end: number };
}

const loadAtStart = loadavg()[0];

export function machine(browser: string | undefined): Machine {
  return {
    cores: cpus().length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    browser: browser ?? 'not started',
    node: process.version,
    load: { start: Math.round(loadAtStart * 10) / 10, end: Math.round(loadavg()[0] * 10) / 10 },
  };
}

export function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${hash} (with uncommitted changes)` : hash;
  } catch {
    return 'unknown';
  }
}
