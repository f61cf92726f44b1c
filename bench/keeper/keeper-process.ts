// The keeper's own process as the bench sees it: the tracker (started in the bench's process) forks it, so it is the
// bench's child whose command line names the keeper. Its CPU time comes from /proc, as the kernel
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

/** The keeper's CPU seconds (user + system) from now until `stop`. */
export function watchKeeperCpu(pid: string): { stop(): number } {
  const start = cpuSecondsOf(pid);
  return { stop: () => cpuSecondsOf(pid) - start };
}
