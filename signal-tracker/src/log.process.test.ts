// Logging never throws. Unit tests of the log and the uncaught-error handler, then the real tracker bundle with
// its stdout and stderr pipes closed, on loopback.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog, MAX_UNCAUGHT_LOGGED_PER_SECOND, uncaughtErrorHandler, type Log } from './log';
import { buildTrackerBundle, type TrackerBundle } from './testing/bundle';
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

describe('the tracker bundle with its output pipes closed', () => {
  let bundle: TrackerBundle | undefined;
  beforeAll(() => {
    bundle = buildTrackerBundle();
  });
  afterAll(() => bundle?.remove());

  it('keeps serving /health through the summaries it logs into them, and ends on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [bundle!.main, '--host', '127.0.0.1', '--port', String(port), '--summary-interval', '1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
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
      // How much CPU it takes meanwhile is a bench figure (bench/tracker/quiet.ts); here, what it does.
      expect(child.exitCode).toBeNull();
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
