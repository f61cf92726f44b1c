// The tracker's log lines, written so that logging can never throw or spin. With stdout or stderr closed
// (`node signal-tracker | head -c 10`), a write fails with EPIPE, and once the stream is destroyed every later write
// fails again on the next tick; through console.* and an `uncaughtException` handler that logs, each failure would
// raise the next one, at 100 % CPU, and SIGTERM would never be handled. Here a stream's errors are always listened to, a stream
// that failed is written to no more, and the handler of uncaught errors cannot run inside itself or log without bound.
import type { Writable } from 'node:stream';

/** Uncaught errors logged per second at most; more are counted and reported with the next one logged. */
export const MAX_UNCAUGHT_LOGGED_PER_SECOND = 10;

export interface Log {
  /** A line to stdout (start line, summaries). */
  info(line: string): void;
  /** A line to stderr. */
  error(line: string): void;
}

/** A writer of lines to one stream that never throws; after the stream fails, lines are dropped. */
function lineWriter(stream: Writable): (line: string) => void {
  let broken = false;
  stream.on('error', () => {
    broken = true; // EPIPE and the like: whoever read our output is gone
  });
  return (line) => {
    if (broken || stream.destroyed || !stream.writable) return;
    try {
      stream.write(`${line}\n`);
    } catch {
      broken = true;
    }
  };
}

/** Lines to `stdout` and `stderr` (the process's own by default) that never throw. */
export function createLog(stdout: Writable = process.stdout, stderr: Writable = process.stderr): Log {
  return { info: lineWriter(stdout), error: lineWriter(stderr) };
}

/**
 * The handler of uncaught errors: logs each (at most MAX_UNCAUGHT_LOGGED_PER_SECOND a second) and keeps serving.
 * An error raised while it runs is dropped instead of handled inside it, and it never throws.
 */
export function uncaughtErrorHandler(
  log: Log,
  now: () => number = () => Date.now(),
): (error: unknown) => void {
  let running = false;
  let second = -1;
  let loggedThisSecond = 0;
  let dropped = 0;
  return (error) => {
    if (running) return;
    running = true;
    try {
      const current = Math.floor(now() / 1000);
      if (current !== second) {
        second = current;
        loggedThisSecond = 0;
      }
      if (loggedThisSecond >= MAX_UNCAUGHT_LOGGED_PER_SECOND) {
        dropped++;
        return;
      }
      loggedThisSecond++;
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      const more = dropped > 0 ? ` (and ${dropped} more not logged)` : '';
      dropped = 0;
      log.error(`signal-tracker: uncaught error${more}: ${text}`);
    } catch {
      // Nothing left to tell it to.
    } finally {
      running = false;
    }
  };
}
