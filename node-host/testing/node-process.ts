// A Node script of the tests (run through tsx) in a process of its own, speaking one JSON object a line on stdout:
// `said(key)` resolves with the first line that has `key`; `stop` ends it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Lt21ProcessArgs, Lt21Report } from './lt21-process';

export interface NodeProcess {
  readonly child: ChildProcess;
  said(key: string): Promise<Record<string, unknown>>;
  /** SIGKILL, and waits for it to be gone. */
  stop(): Promise<void>;
}

export function startNodeProcess(script: string, args: unknown): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiting: Array<() => void> = [];
  const wake = () => {
    for (const look of waiting.splice(0)) look();
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    wake();
  });
  child.once('exit', wake);
  const said = (key: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const look = () => {
        const line = lines.find((l) => key in l);
        if (line) return resolve(line);
        if (child.exitCode !== null || child.signalCode !== null)
          return reject(new Error(`${script} exited before saying ${key}`));
        waiting.push(look);
      };
      look();
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return { child, said, stop };
}

/** The libtorrent-2.1-shaped peer in a process of its own (lt21-process.ts), once it has announced: `done` once it
 * has every piece, `report` stops it (SIGTERM) and gives what it saw, `stop` kills it. */
export async function startLt21Process(args: Lt21ProcessArgs) {
  const peer = startNodeProcess('node-host/testing/lt21-process.ts', args);
  await peer.said('ready');
  return {
    done: () => peer.said('done'),
    report: async (): Promise<Lt21Report> => {
      peer.child.kill('SIGTERM');
      return (await peer.said('seen')) as unknown as Lt21Report;
    },
    stop: () => peer.stop(),
  };
}
