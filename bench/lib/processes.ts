// The processes of one Chromium (the browser process that names a profile folder and everything under it), their
// memory and the CPU time they used, by kind (browser, renderer, network service, GPU, other utilities).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface ProcessRow {
  pid: string;
  ppid: string;
  kib: number;
  args: string;
}

function processRows(): ProcessRow[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: match[1], ppid: match[2], kib: Number(match[3]), args: match[4] }));
}

/** The Chromium whose profile is `profileDir`: the browser process names the profile; its renderers, GPU and
 * network processes descend from it. */
function browserTree(profileDir: string): ProcessRow[] {
  const rows = processRows();
  const tree = new Set(
    rows.filter((row) => row.args.includes(`--user-data-dir=${profileDir}`)).map((r) => r.pid),
  );
  for (let grown = true; grown;) {
    grown = false;
    for (const row of rows)
      if (!tree.has(row.pid) && tree.has(row.ppid)) {
        tree.add(row.pid);
        grown = true;
      }
  }
  return rows.filter((row) => tree.has(row.pid));
}

/** Resident memory (RSS) in bytes per process kind (browser, renderer, network, gpu, utility) of that Chromium. */
export function browserRssByKind(profileDir: string): Record<string, number> {
  const used: Record<string, number> = {};
  for (const row of browserTree(profileDir)) {
    const kind = kindOf(row.args);
    used[kind] = (used[kind] ?? 0) + row.kib * 1024;
  }
  return used;
}

/** The kind of Chromium's on-device model service (a utility process no page asked for). */
export const ON_DEVICE_MODEL = 'on-device model';

function kindOf(args: string): string {
  const type = /--type=(\S+)/.exec(args)?.[1];
  if (!type) return 'browser';
  if (type === 'utility') {
    if (args.includes('NetworkService')) return 'network';
    // Chromium's on-device model service, which a browser starts by itself a few minutes after launch.
    if (args.includes('on_device_model')) return ON_DEVICE_MODEL;
    return 'utility';
  }
  if (type === 'gpu-process') return 'gpu';
  return type;
}

/** user + system CPU seconds of one process so far (0 once it is gone). */
export function cpuSecondsOf(pid: string): number {
  try {
    // Fields after the command's closing parenthesis: state is field 3, utime 14 and stime 15 (clock ticks).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export type CpuByKind = Record<string, number>;

/** CPU seconds per process kind of a Chromium, from now until `stop` (processes started meanwhile count from 0). */
export function watchCpu(profileDir: string): { stop(): CpuByKind } {
  const start = new Map(browserTree(profileDir).map((row) => [row.pid, cpuSecondsOf(row.pid)]));
  return {
    stop() {
      const used: CpuByKind = {};
      for (const row of browserTree(profileDir)) {
        const kind = kindOf(row.args);
        used[kind] = (used[kind] ?? 0) + cpuSecondsOf(row.pid) - (start.get(row.pid) ?? 0);
      }
      return used;
    },
  };
}

export function totalCpu(used: CpuByKind): number {
  return Object.values(used).reduce((a, b) => a + b, 0);
}

/** "renderer 3.1 s, network 2.0 s, ..." (largest first) with the total. */
export function formatCpu(used: CpuByKind): string {
  const total = totalCpu(used);
  const parts = Object.entries(used)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)} s`);
  return `${total.toFixed(1)} CPU-s (${parts.join(', ')})`;
}
