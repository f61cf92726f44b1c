// A tracker under test in its own process (bench/tracker/server-child.ts, forked), asked over the IPC channel for
// its memory, its CPU time and a CPU profile of a phase.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildOptions, TrackerKind } from './server-child';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

export interface Child {
  process: ChildProcess;
  port: number;
  /** Sends `{type: send}` and resolves with the child's next message of type `type`. */
  request<T>(type: string, send?: string): Promise<T>;
  stop(): Promise<void>;
}

export type Memory = { usage: NodeJS.MemoryUsage };
export type Cpu = { usage: NodeJS.CpuUsage };
export const cpuSecondsOf = (c: Cpu) => (c.usage.user + c.usage.system) / 1e6;

export async function spawnTracker(kind: TrackerKind, options: ChildOptions = {}): Promise<Child> {
  const child = fork(CHILD, [kind, JSON.stringify(options)], {
    execArgv: ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type: string; port?: number; message?: string }) =>
      message.type === 'ready' ? resolve(message.port!) : reject(new Error(message.message)),
    );
    child.once('exit', (code) => reject(new Error(`tracker process exited with ${code}`)));
  });
  return {
    process: child,
    port,
    request<T>(type: string, sendType = type) {
      return new Promise<T>((resolve) => {
        const listener = (message: { type: string } & T) => {
          if (message.type !== type) return;
          child.off('message', listener);
          resolve(message);
        };
        child.on('message', listener);
        child.send({ type: sendType });
      });
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a CPU profile in each child (`--profile`), before the phase it measures. */
export async function startProfiles(children: Child[]): Promise<void> {
  await Promise.all(children.map((child) => child.request('profile-started', 'profile-start')));
}

/** Stops each child's profile and logs its top functions by self time. */
export async function logProfiles(children: Child[], label: string, log: (m: string) => void): Promise<void> {
  for (const [i, child] of children.entries()) {
    const { top } = await child.request<{ top: string[] }>('profile-stop');
    const which = children.length > 1 ? ` process ${i + 1}` : '';
    log(`  ${label}${which}: self time of the saturated phase by function:\n    ${top.join('\n    ')}`);
  }
}
