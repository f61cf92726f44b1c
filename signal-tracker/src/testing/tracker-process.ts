// A tracker in a process of its own (testing/serve.ts), seen from outside as an attacker's host would see it: its
// resident memory and the TCP connections it holds, read from /proc. Linux only, like the rest of the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../server';

export interface TrackerProcess {
  port: number;
  pid: number;
  /** The process's resident memory now, in bytes. */
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after a grace; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an out-of-memory kill ends it; resolves once the process is gone. */
  kill(): Promise<void>;
}

const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));

/** Starts testing/serve.ts with `options` and resolves once it listens. */
export async function startTrackerProcess(options: ServerOptions): Promise<TrackerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVE, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then(() => {
      throw new Error('the tracker process exited before it listened');
    }),
  ]);
  const { port, pid } = JSON.parse(first) as { port: number; pid: number };
  return {
    port,
    pid,
    rssBytes: () => residentBytes(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(grace);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The processes `pid` started that still run (Linux's /proc children list). */
export function childProcesses(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

/** Whether process `pid` still runs. */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** VmRSS of a process, in bytes. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** IPv4 `127.0.0.1` as /proc/net/tcp writes it: the 32-bit value in the host's (little-endian) order, in hex. */
function procAddress(address: string): string {
  return address
    .split('.')
    .map((octet) => Number(octet).toString(16).padStart(2, '0').toUpperCase())
    .reverse()
    .join('');
}

/**
 * Established TCP connections on the server's side of `port` whose client is `clientAddress`: what the server still
 * holds open for that address (a connection it closed leaves this state at once, read or not by the client).
 */
export function establishedFrom(port: number, clientAddress: string): number {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const remote = `${procAddress(clientAddress)}:`;
  let count = 0;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const [, localAddress, remoteAddress, state] = fields;
    if (state === '01' && localAddress.endsWith(local) && remoteAddress.startsWith(remote)) count++;
  }
  return count;
}
