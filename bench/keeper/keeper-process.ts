// The keeper's own process as the bench sees it: the tracker (started in the bench's process) forks it, so it is the
// bench's child whose command line names the keeper. Its resident memory and CPU time come from /proc, as the kernel
// counts them, not from anything the keeper reports of itself.
import { readFileSync, readdirSync } from 'node:fs';
import { cpuSecondsOf } from '../lib/processes';

/** The pid of the keeper process forked by `parent` (this process by default), or undefined while there is none. */
export function keeperPid(parent = process.pid): string | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (ppid !== String(parent)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/keeper(-process\.ts|\.js)/.test(command)) return pid;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return undefined;
}

/** Resident memory (VmRSS) of `pid` in bytes; NaN once it is gone. */
export function rssOf(pid: string): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export interface RssWatch {
  /** The highest RSS seen since the watch began, the number of samples, and whether the process went away. */
  stop(): { peak: number; samples: number; lost: boolean };
}

/** Samples `pid`'s RSS every `intervalMs` until `stop`. */
export function watchRss(pid: string, intervalMs = 250): RssWatch {
  let peak = 0;
  let samples = 0;
  let lost = false;
  const sample = () => {
    const rss = rssOf(pid);
    if (Number.isNaN(rss)) lost = true;
    else {
      peak = Math.max(peak, rss);
      samples++;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peak, samples, lost };
    },
  };
}

/** The keeper's CPU seconds (user + system) from now until `stop`. */
export function watchKeeperCpu(pid: string): { stop(): number } {
  const start = cpuSecondsOf(pid);
  return { stop: () => cpuSecondsOf(pid) - start };
}
