// The floor of a web-seed download on this machine: the same file fetched, cut into pieces, hashed as the hybrid
// torrent needs and written to a file by one worker with no engine (web/src/bench/seed-floor.ts), in a fresh
// Chromium right after its own plain fetch. Timed five ways in each run (hashed and written; hashed only; written
// only, flushed as the app flushes, once at the end, or into a file sized first), so the note says which cost holds
// the floor below the plain fetch; the app's rate is then put against the floor: what the engine costs beyond the
// work any client that checks and keeps its pieces must do.
import { figure, median, noGoal, type Figure } from '../lib/figure';
import { ratioInterval } from '../lib/interval';
import { plainFetch, type AppRun, type SeedDownload } from './webseed-app';
import { withTabs } from './transfer';
import { openBenchPage } from '../lib/app';
import { PIECE_FILE_TRANSACTION_MS } from '../../web/src/worker/storage/piece-file';

/** How the floor is timed: each way's request to the bench page's worker (web/src/bench/seed-floor.ts). */
const WAYS = {
  /** Hashed and written, flushed as often as the app's transactions: the floor. */
  both: { hash: true, write: true, flushEveryMs: PIECE_FILE_TRANSACTION_MS },
  hash: { hash: true, write: false },
  write: { hash: false, write: true, flushEveryMs: PIECE_FILE_TRANSACTION_MS },
  /** Written, flushed once at the end. */
  writeOnce: { hash: false, write: true },
  /** Written into a file given its whole size before the first write (no write grows it). */
  presized: { hash: false, write: true, presize: true, flushEveryMs: PIECE_FILE_TRANSACTION_MS },
} as const;
type Way = keyof typeof WAYS;

/** One way's seconds, and the milliseconds its worker spent in writes and in flushes. */
export interface FloorTime {
  seconds: number;
  writeMs: number;
  flushMs: number;
}

/** One run: the plain fetch's seconds, and each way of the floor. */
export interface FloorRun {
  fetchSeconds: number;
  ways: Record<Way, FloorTime>;
}

/** One run in a fresh Chromium on the bench page of `appOrigin`. */
export async function floorRun(
  appOrigin: string,
  download: Pick<SeedDownload, 'url' | 'size'>,
  pieceLength: number,
): Promise<FloorRun> {
  const { url, size } = download;
  return withTabs(1, async ([tab]) => {
    const run = await openBenchPage(tab.page, appOrigin);
    const fetchSeconds = await plainFetch(tab.page, url, size);
    const ways = {} as Record<Way, FloorTime>;
    for (const way of Object.keys(WAYS) as Way[]) {
      const result = await run({ type: 'seed-floor', url, size, pieceLength, ...WAYS[way] });
      ways[way] = { seconds: result.seconds, writeMs: result.writeMs, flushMs: result.flushMs };
    }
    return { fetchSeconds, ways };
  });
}

function interval(ours: number[], theirs: number[]): string {
  const { low, high, confidence } = ratioInterval(ours, theirs);
  return `ratio interval ${low.toFixed(2)} to ${high.toFixed(2)} (${Math.round(confidence * 100)} %)`;
}

/** The floor against the plain fetch, and the app (`apps`, the app as it ships) against the floor. */
export function floorFigures(
  name: string,
  floors: FloorRun[],
  apps: AppRun[],
  mib: number,
  load: string,
): Figure[] {
  const rate = (seconds: number[]) => seconds.map((s) => mib / s);
  const fetched = rate(floors.map((run) => run.fetchSeconds));
  const both = rate(floors.map((run) => run.ways.both.seconds));
  const share = (way: Way) =>
    median(floors.map((run) => run.fetchSeconds / run.ways[way].seconds)).toFixed(2);
  const spent = (way: Way) =>
    `${median(floors.map((run) => run.ways[way].writeMs / 1000)).toFixed(2)} s in writes, ` +
    `${median(floors.map((run) => run.ways[way].flushMs / 1000)).toFixed(2)} s in flushes`;
  const app = rate(apps.map((run) => run.appSeconds));
  return [
    figure(
      `${name}: the floor (fetched, hashed and written, no engine)`,
      median(both),
      'MiB/s',
      { name: 'a plain fetch of the same bytes from the same server', value: median(fetched) },
      noGoal,
      `Chromium, one worker fetches the file whole, cuts 1 MiB pieces, hashes each (SHA-1, and SHA-256 of each ` +
        `16 KiB block) and writes it through a synchronous access handle, flushed every ` +
        `${PIECE_FILE_TRANSACTION_MS} ms as the app's transactions are; median of ${floors.length} run(s), each in ` +
        `a fresh Chromium after its own plain fetch, ${interval(both, fetched)}; against the plain fetch (median ` +
        `of the per-run ratios): both ${share('both')}x (${spent('both')}), hashed only ${share('hash')}x, ` +
        `written only ${share('write')}x (${spent('write')}), flushed only at the end ${share('writeOnce')}x ` +
        `(${spent('writeOnce')}), into a file given its whole size first ${share('presized')}x ` +
        `(${spent('presized')}); ${load}`,
    ),
    figure(
      `${name}, against the floor`,
      median(app),
      'MiB/s',
      { name: 'the floor: fetched, hashed and written by one worker with no engine', value: median(both) },
      noGoal,
      `Chromium, medians of ${apps.length} run(s) of the app as it ships and ${floors.length} of the floor, each ` +
        `in a fresh Chromium; ${interval(app, both)}; ${load}`,
    ),
  ];
}
