// Issue 23, item 8: logging never throws. Unit tests of the log and the uncaught-error handler, then the real
// `node signal-tracker` with its stdout and stderr pipes closed, on loopback.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLog, MAX_UNCAUGHT_LOGGED_PER_SECOND, uncaughtErrorHandler, type Log } from './log';
import { freePort } from './testing/daemons';

/** A stream whose reader is gone: every write fails with EPIPE, as a closed pipe does. */
function closedPipe(): Writable & { attempts: number } {
  const stream = new Writable({
    write(_chunk, _encoding, done) {
      stream.attempts++;
      done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    },
  }) as Writable & { attempts: number };
  stream.attempts = 0;
  return stream;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the log', () => {
  it('never throws on a closed pipe, raises no uncaught error, and stops writing to it', async () => {
    const stdout = closedPipe();
    const stderr = closedPipe();
    const log = createLog(stdout, stderr);
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      for (let i = 0; i < 5; i++) {
        log.info(`line ${i}`);
        log.error(`error ${i}`);
        await tick();
      }
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
    expect(stdout.attempts).toBe(1);
    expect(stderr.attempts).toBe(1);
  });

  it('handles an uncaught error without running inside itself, and logs at most a bounded number a second', () => {
    let now = 5_000;
    const lines: string[] = [];
    let handler: (error: unknown) => void = () => {};
    const log: Log = {
      info: () => {},
      error: (line) => {
        lines.push(line);
        handler(new Error('raised while logging')); // what EPIPE through console.* did
        throw new Error('the log itself failed');
      },
    };
    handler = uncaughtErrorHandler(log, () => now);
    expect(() => handler(new Error('first'))).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('uncaught error: Error: first');
    for (let i = 0; i < 50; i++) handler(new Error(`burst ${i}`));
    expect(lines).toHaveLength(MAX_UNCAUGHT_LOGGED_PER_SECOND);
    now += 1000;
    handler(new Error('next second'));
    expect(lines.at(-1)).toMatch(/uncaught error \(and 41 more not logged\): Error: next second/);
  });
});

/** CPU seconds (user + system) the process has used so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('node signal-tracker with its output pipes closed', () => {
  const repository = fileURLToPath(new URL('../../', import.meta.url));

  it('keeps serving /health without spinning, and ends on SIGTERM', async () => {
    // `node signal-tracker` runs the bundle: build it from the sources under test.
    expect(spawnSync(process.execPath, ['scripts/build-tracker.mjs'], { cwd: repository }).status).toBe(0);
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['signal-tracker', '--host', '127.0.0.1', '--port', String(port), '--summary-interval', '1'],
      { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Whoever read our output is gone: every log line from now on meets a closed pipe.
    child.stdout.destroy();
    child.stderr.destroy();
    try {
      const health = async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health`, {
          signal: AbortSignal.timeout(1000),
        });
        return response.text();
      };
      // Up, then through three summaries (and the start line) logged into the closed pipes.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const ok = await health().then(
          (text) => text === 'ok\n',
          () => false,
        );
        if (ok || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 3200));
      const before = cpuSeconds(child.pid!);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(cpuSeconds(child.pid!) - before).toBeLessThan(0.3); // it spun at a whole core
      expect(await health()).toBe('ok\n');
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(() => resolve('running'), 8000)),
      ]);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
