// Trackers a spec starts beside the one Playwright runs (`node signal-tracker` with flags of their own: a keeper, a
// cluster on Redis), each on a free port or one given, ended by its pid after each test, also when the test fails.
import type { ChildProcess } from 'node:child_process';
import { endProcess, freePort } from '../signal-tracker/src/testing/daemons';
import { startTracker } from './helpers';

export interface StartedTracker {
  port: number;
  /** The app's origin on it, with its trailing slash. */
  origin: string;
  process: ChildProcess;
}

export class TestTrackers {
  private readonly started: ChildProcess[] = [];

  /** `node signal-tracker` with `args`, on `port` (default: a free one), once its /health answers. */
  async start(args: string[], port?: number): Promise<StartedTracker> {
    const chosen = port ?? (await freePort());
    const child = await startTracker(chosen, args);
    this.started.push(child);
    return { port: chosen, origin: `http://127.0.0.1:${chosen}/`, process: child };
  }

  /** Ends every tracker started (SIGTERM, then SIGKILL after a grace); for `test.afterEach`. */
  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((child) => endProcess(child)));
  }
}
