// A Node script of the tests (run through tsx) in a process of its own, speaking one JSON object a line on stdout:
// `said(key)` resolves with the first line that has `key`; `stop` ends it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { endProcess } from '../signal-tracker/src/testing/daemons';

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
  return { child, said, stop: () => endProcess(child, 'SIGKILL') };
}
