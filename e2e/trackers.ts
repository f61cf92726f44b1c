// Trackers a spec starts beside the one Playwright runs (`node signal-tracker` with flags of their own: a keeper, a
// cluster on Redis), each on a free port or one given, ended by its pid after each test, also when the test fails.
import type { ChildProcess } from 'node:child_process';
import { endProcess, freePort } from '../signal-tracker/src/testing/daemons';
import { startTracker } from './helpers';
import { until } from '../shared/testing/until';

/** A share no keeper keeps: the keeper's status for it says 404 once the keeper runs, 503 while it starts. */
const NO_SHARE = '0'.repeat(40);

export interface StartedTracker {
  port: number;
  /** The app's origin on it, with its trailing slash. */
  origin: string;
  process: ChildProcess;
}

export class TestTrackers {
  private readonly started: ChildProcess[] = [];

  /** `node signal-tracker` with `args`, on `port` (default: a free one), once its /health answers and, with
   * `--keep-dir`, once its keeper process has started (until then the tracker answers keep requests with 503, in
   * words: a spec that presses `Keep online` at once would see that, not what it tests). */
  async start(args: string[], port?: number): Promise<StartedTracker> {
    const chosen = port ?? (await freePort());
    const child = await startTracker(chosen, args);
    this.started.push(child);
    const origin = `http://127.0.0.1:${chosen}/`;
    if (args.includes('--keep-dir')) await keeperStarted(origin);
    return { port: chosen, origin, process: child };
  }

  /** Ends every tracker started (SIGTERM, then SIGKILL after a grace); for `test.afterEach`. */
  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((child) => endProcess(child)));
  }
}

/** Waits until the tracker at `origin` answers a keeper status with anything but 503 (its keeper has started). */
function keeperStarted(origin: string): Promise<void> {
  return until(
    async () => (await fetch(new URL(`keep/status?infoHash=${NO_SHARE}`, origin))).status !== 503,
    { what: 'the keeper process has started' },
  );
}
