// The sender leaves early: a seeder at 2 MiB/s (`Upload limit`) and four downloading tabs, each its own Chromium.
// From the first `Download` to the seeder's card saying `You can close this tab: the others hold every piece`,
// against the least it can be, the file's size over the seed's upload rate (F/u_s); with super-seeding (the seeder's page at
// `?super-seed=on`) and without (`?super-seed=off`, the default) in the same run. The seeder's tab then closes, and the four
// must still finish: a figure whose downloads did not is an error, not a time.
import { rmSync } from 'node:fs';
import { setUploadLimit } from '../../e2e/helpers';
import { browserVersion, buildApp, serveApp, type Tab } from '../lib/app';
import { failedFigure, figure, noGoal, type Bench, type Figure } from '../lib/figure';
import { download, openApp, share } from './app-steps';
import { attempt, firstLine, randomFileOf, withTabs } from '../lib/session';

const MiB = 1024 * 1024;
const LIMIT_KIB = 2048;
const DOWNLOADERS = 4;
const TIMEOUT_MS = 300_000;
const CAN_CLOSE = 'You can close this tab: the others hold every piece';
/** The seeder's page switches that turn super-seeding on and off (engine config `superSeed`). */
const SUPER_SEED = '?super-seed=on';
const NO_SUPER_SEED = '?super-seed=off';

interface Leg {
  /** Seconds from the first `Download` to the seeder's card saying the tab can close. */
  canClose: number;
  /** Seconds from the seeder's tab closing to the last of the four seeding. */
  finishAfter: number;
}

/** One run: the seeder (its page at `query`) and the downloaders; the seeder's tab closes once its card says so. */
async function leg(url: string, query: string, file: { path: string }, name: string): Promise<Leg> {
  return withTabs(DOWNLOADERS + 1, async ([seeder, ...tabs]) => {
    await openApp(seeder.page, new URL(`/${query}`, url).href);
    await setUploadLimit(seeder.page, LIMIT_KIB);
    const magnet = await share(seeder.page, file.path, name, TIMEOUT_MS);
    for (const tab of tabs) await openApp(tab.page, url);
    const started = Date.now();
    for (const tab of tabs) await download(tab.page, magnet);
    await seeder.page.getByText(CAN_CLOSE).waitFor({ timeout: TIMEOUT_MS });
    const canClose = (Date.now() - started) / 1000;
    await seeder.close();
    const left = Date.now();
    await Promise.all(tabs.map((tab) => seeding(tab, name)));
    return { canClose, finishAfter: (Date.now() - left) / 1000 };
  });
}

async function seeding(tab: Tab, name: string): Promise<void> {
  const item = tab.page.getByRole('list', { name: 'Torrents' }).getByRole('listitem', { name, exact: true });
  await item.getByText('Seeding', { exact: true }).waitFor({ timeout: TIMEOUT_MS });
}

export const senderLeavesBench: Bench = {
  name: 'sender-leaves',
  flags: { '--tiny': '8 MiB: a smoke' },
  figures: 'the sender leaves early',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const size = context.flags.has('--tiny') ? 8 * MiB : 32 * MiB;
    const name = `bench-sender-leaves-${size / MiB}MiB.bin`;
    const least = size / (LIMIT_KIB * 1024);
    const baseline = { name: `F/u_s (${size / MiB} MiB at ${LIMIT_KIB} KiB/s)`, value: least };
    const server = await serveApp(buildApp(context.log));
    const file = randomFileOf(size, name);
    const figures: Figure[] = [];
    try {
      for (const [label, query] of [
        ['with super-seeding', SUPER_SEED],
        ['without super-seeding', NO_SUPER_SEED],
      ] as const) {
        const title = `sender-leaves: ${DOWNLOADERS} tabs, seeder at ${LIMIT_KIB} KiB/s, can close, ${label}`;
        const result = await attempt(context.log, label, () => leg(server.url, query, file, name));
        if (result instanceof Error) {
          figures.push(failedFigure(title, 's', baseline.name, noGoal, firstLine(result), least));
          continue;
        }
        context.log(
          `  ${label}: can close after ${result.canClose.toFixed(1)} s (F/u_s ${least.toFixed(1)} s)`,
        );
        const note = `the four finished ${result.finishAfter.toFixed(1)} s after the sender left`;
        figures.push(figure(title, result.canClose, 's', baseline, noGoal, note));
      }
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
    return figures;
  },
};
