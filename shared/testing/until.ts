// The one polling helper of the tests (Vitest in Node and Playwright's runner): it waits until a condition holds and,
// when it gives up, says what it was waiting for and how long it waited, so a failure names its cause. It depends on
// no test runner, so e2e specs import it as the unit tests do.

/** How `until` polls and when it gives up. */
export interface UntilOptions {
  /** What is awaited, in words, for the failure message; by default the condition's own code. */
  what?: string;
  /** Gives up after this much real time, in ms (default 5000), unless `polls` is given. */
  timeoutMs?: number;
  /** Gives up after this many waits instead of after a time: for conditions that only need the event loop to turn. */
  polls?: number;
  /** The wait between two checks, in ms; 0 waits one turn of the event loop (stream and I/O callbacks run). */
  intervalMs?: number;
  /** Runs before each wait: drives what the condition depends on (a client's tick). */
  beforeWait?: () => void;
  /** What the failure message adds, read when it gives up: the state that says why the condition never held. */
  explain?: () => string;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** Thrown when a condition is not reached; its message names what was awaited and the limit. */
export class UntilTimeout extends Error {
  override readonly name = 'UntilTimeout';
}

function pause(intervalMs: number): Promise<void> {
  if (intervalMs <= 0) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, intervalMs));
}

/** Tells, before each wait, whether the limit is reached: a number of waits or a deadline in real time. */
function limiter(options: UntilOptions): { spent: () => boolean; describe: () => string } {
  if (options.polls !== undefined) {
    const polls = options.polls;
    let waited = 0;
    return { spent: () => waited++ >= polls, describe: () => `${polls} polls` };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  return { spent: () => Date.now() > deadline, describe: () => `${timeoutMs} ms` };
}

/**
 * Reads a value until `accept` holds for it, and returns that value. Throws an `UntilTimeout` naming `what` and the
 * last value read once the limit is reached.
 */
export async function untilValue<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  options: UntilOptions = {},
): Promise<T> {
  const limit = limiter(options);
  const interval = options.intervalMs ?? 10;
  let value = await read();
  while (!accept(value)) {
    if (limit.spent()) {
      const what = options.what ?? String(accept);
      // A boolean condition says nothing more than that it failed; a value read says where it stopped.
      const last = typeof value === 'boolean' ? '' : `; last read ${JSON.stringify(value) ?? String(value)}`;
      const why = options.explain ? `\n${options.explain()}` : '';
      throw new UntilTimeout(`waited ${limit.describe()} for ${what}${last}${why}`);
    }
    options.beforeWait?.();
    await pause(interval);
    value = await read();
  }
  return value;
}

/** Waits until `done` holds; throws an `UntilTimeout` naming what was awaited once the limit is reached. */
export async function until(
  done: () => boolean | Promise<boolean>,
  options: UntilOptions = {},
): Promise<void> {
  const what = options.what ?? String(done);
  await untilValue(done, (holds) => holds, { ...options, what });
}
