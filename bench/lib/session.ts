// The loop every browser bench shares: each piece of work in fresh tabs (run once more when a browser is lost under
// it), a failed piece kept as its error rather than ending the bench, the clients taken in turns so that a change in
// the machine's load falls on all of them, and the run a figure is read from picked at the median.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, statfsSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { persistentTab, type ChromiumLaunch, type Tab } from './app';

const MiB = 1024 * 1024;

/** A file of `size` random bytes named `name` in a fresh temporary folder (the caller removes `dir`). */
export function randomFileOf(size: number, name: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-file-'));
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  for (let at = 0; at < size; at += 16 * MiB) writeSync(fd, randomBytes(Math.min(16 * MiB, size - at)));
  closeSync(fd);
  return { dir, path };
}

/** Why `copies` copies of `size` bytes and `margin` more do not fit under the temporary folder, or undefined. */
export function noRoomFor(copies: number, size: number, margin: number): string | undefined {
  const stats = statfsSync(tmpdir());
  const [free, needed] = [Number(stats.bavail) * Number(stats.bsize), copies * size + margin];
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return free >= needed ? undefined : `${gib(needed)} needed free under ${tmpdir()}, and ${gib(free)} is`;
}

/** An error's first line. */
export const firstLine = (error: unknown): string =>
  String((error as Error)?.message ?? error).split('\n')[0];

/** A browser, context or page that went away under the bench (Playwright's "Target page, context or browser has
 * been closed", a crashed renderer): nothing the app did wrong, so the work runs again with fresh browsers. */
export function lostBrowser(error: unknown): boolean {
  return /has been closed|crashed|browser has disconnected/i.test(firstLine(error));
}

/** Runs `work` with `count` fresh tabs (each its own Chromium, tab i launched as `launches[i]` when given), closed
 * afterwards. When a browser is lost under it, the work runs once more with fresh tabs, and the log says so. */
export async function withTabs<T>(
  count: number,
  work: (tabs: Tab[]) => Promise<T>,
  options: { log?: (message: string) => void; launches?: ChromiumLaunch[] } = {},
): Promise<T> {
  const { log = console.log, launches } = options;
  for (let attempt = 1; ; attempt++) {
    const tabs: Tab[] = [];
    try {
      for (let i = 0; i < count; i++) tabs.push(await persistentTab({ launch: launches?.[i] }));
      return await work(tabs);
    } catch (error) {
      if (attempt >= 2 || !lostBrowser(error)) throw error;
      const lost = tabs.flatMap((tab, i) => (tab.lost ? [`tab ${i + 1}: ${tab.lost}`] : []));
      log(
        `  a browser went away (${firstLine(error)}; ${lost.join(', ') || 'no tab saw it go'}): running again`,
      );
    } finally {
      for (const tab of tabs) await tab.close();
    }
  }
}

/** `work`'s result, or its error, logged under `label`. */
export async function attempt<T>(
  log: (message: string) => void,
  label: string,
  work: () => Promise<T>,
): Promise<T | Error> {
  try {
    return await work();
  } catch (error) {
    log(`  ${label} failed: ${firstLine(error)}`);
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** `runs` rounds, each running every client once in turn; each client's outcomes (a failure as its error). */
export async function inTurns<K extends string, T>(
  runs: number,
  clients: Record<K, (round: number) => Promise<T>>,
  log: (message: string) => void,
): Promise<Record<K, (T | Error)[]>> {
  const names = Object.keys(clients) as K[];
  const outcomes = Object.fromEntries(names.map((name) => [name, []])) as unknown as Record<K, (T | Error)[]>;
  for (let round = 0; round < runs; round++) {
    if (runs > 1) log(`  run ${round + 1} of ${runs}`);
    for (const name of names) outcomes[name].push(await attempt(log, name, () => clients[name](round)));
  }
  return outcomes;
}

/** The outcomes that are not errors. */
export const succeeded = <T>(outcomes: (T | Error)[]): T[] =>
  outcomes.filter((outcome): outcome is Exclude<T, Error> => !(outcome instanceof Error)) as T[];

/** The item at the median of `value` among those that have one (the lower middle for an even count), with them
 * sorted by it; undefined when none has one. */
export function medianBy<T>(items: T[], value: (item: T) => number | null): { median?: T; sorted: T[] } {
  const sorted = items.filter((item) => value(item) !== null).sort((a, b) => value(a)! - value(b)!);
  return { median: sorted[(sorted.length - 1) >> 1], sorted };
}

/** Notes the 1-minute load average now; the function it returns labels it with the load average then. */
export function loadLabel(): () => string {
  const before = loadavg()[0];
  return () => `1-minute load average ${before.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
}
