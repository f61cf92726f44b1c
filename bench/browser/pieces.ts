// How busy the page's main thread is while a 100,000-piece torrent is listed (nobody seeds it), against the same
// page with a 100-piece torrent: the share of wall time spent in long tasks (> 50 ms) over a few seconds.
import { noGoal, figure, type Bench } from '../lib/figure';
import { browserVersion, buildApp, persistentTab, serveApp } from '../lib/app';
import { tempDir, unseededTorrent } from '../../e2e/helpers';

const WINDOW_MS = 8_000;
type BusyWindow = { __longTasks: number[] };

interface Busy {
  /** Long-task milliseconds from choosing the file until the piece map shows. */
  opening: number;
  /** Share of the next WINDOW_MS spent in long tasks. */
  steady: number;
}

async function busyShare(url: string, torrentPath: string, piecesLabel: string): Promise<Busy> {
  const tab = await persistentTab();
  try {
    await tab.page.addInitScript(() => {
      const durations: number[] = [];
      (window as unknown as BusyWindow).__longTasks = durations;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) durations.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await tab.page.goto(url);
    await tab.page.getByText('Starting…').waitFor({ state: 'detached', timeout: 30_000 });
    const start = await tab.page.evaluate(() => (window as unknown as BusyWindow).__longTasks.length);
    await tab.page.getByLabel('Open .torrent file').setInputFiles(torrentPath);
    const item = tab.page.getByRole('listitem', { name: 'list.bin', exact: true });
    await item.waitFor();
    // The piece map is drawn while the swarm details are open.
    await item.locator('summary').click();
    await item.getByRole('img', { name: `Piece map: 0 of ${piecesLabel} pieces` }).waitFor();
    const sum = (from: number, to?: number) =>
      tab.page.evaluate(
        ([a, b]) =>
          (window as unknown as BusyWindow).__longTasks.slice(a, b).reduce((total, d) => total + d, 0),
        [from, to] as const,
      );
    const before = await tab.page.evaluate(() => (window as unknown as BusyWindow).__longTasks.length);
    const opening = await sum(start, before);
    await tab.page.waitForTimeout(WINDOW_MS);
    return { opening, steady: (await sum(before)) / WINDOW_MS };
  } finally {
    await tab.close();
  }
}

export const piecesBench: Bench = {
  name: 'pieces',
  figures: 'a torrent of 100,000 pieces',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const server = await serveApp(buildApp(context.log));
    try {
      const dir = tempDir('swarmdrop-bench-pieces-');
      const url = new URL('/', server.url).href;
      const small = await busyShare(url, unseededTorrent(dir, 'list.bin', 100), '100');
      const large = await busyShare(url, unseededTorrent(dir, 'list.bin', 100_000), '100000');
      context.log(
        `  long tasks: 100 pieces ${JSON.stringify(small)}, 100,000 pieces ${JSON.stringify(large)}`,
      );
      return [
        figure(
          'main thread busy (long tasks) with a 100,000-piece torrent listed',
          large.steady,
          'share of time',
          { name: 'same page, 100-piece torrent', value: small.steady },
          noGoal,
          `long tasks over ${WINDOW_MS / 1000} s after the piece map is shown; nobody seeds either torrent`,
        ),
        figure(
          'long tasks while opening a 100,000-piece torrent',
          large.opening,
          'ms',
          { name: 'same page, 100-piece torrent', value: small.opening },
          noGoal,
          'from choosing the .torrent file until its piece map is shown',
        ),
      ];
    } finally {
      await server.close();
    }
  },
};
