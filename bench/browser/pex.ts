// Peer exchange in a swarm of 8 tabs, each its own Chromium: a seeder that serves a quarter of the pieces and parks
// the rest (`?hold-pieces`, e2e/hold.ts), so nobody finishes and every tab goes on wanting peers, and seven downloaders
// joining one after another, each once the one before has a neighbour, through a relay in front of the tracker
// (e2e/trimmed-tracker.ts) that counts the messages carrying an offer it passes to the tabs. Offers: that count from the
// seeder's share until every downloader is connected to all the other tabs, over the tabs, with peer exchange (the
// default) against without (every page at `?peer-exchange=off`). The tracker's death: a third leg with peer exchange
// whose tracker lets each announce carry one offer and dies once the last tab has a neighbour; the seconds from then
// until every downloader is connected to all the other tabs, against the same wait with the tracker up (the second leg).
// `--runs=N` rounds of the three legs in turns; each figure is the median over the rounds.
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { heldPath } from '../../e2e/hold';
import { TrimmedTracker } from '../../e2e/trimmed-tracker';
import { choosePieceLength } from '../../shared/codec/metainfo';
import { untilValue } from '../../shared/testing/until';
import { freePort } from '../../signal-tracker/src/testing/daemons';
import { browserVersion, buildApp, serveApp } from '../lib/app';
import { atMost, failedFigure, figure, median, noGoal, type Bench, type Figure } from '../lib/figure';
import { countFlag } from '../lib/flags';
import { attempt, firstLine, randomFileOf, withTabs } from '../lib/session';
import { download, openApp, share } from './app-steps';

const MiB = 1024 * 1024;
const JOIN_MS = 60_000;
const MESH_MS = 120_000;

const MODES = ['without peer exchange', 'with peer exchange', 'tracker dies'] as const;
type Mode = (typeof MODES)[number];

interface Swarm {
  tabs: number;
  size: number;
  name: string;
  path: string;
}

interface Leg {
  /** Messages carrying an offer the tracker passed to the tabs until every downloader was connected to every tab. */
  offers: number;
  /** Seconds from the last tab's first neighbour (the tracker's death in the third leg) to then. */
  seconds: number;
  /** Connections the tracker introduced (answers relayed to an offer's maker). */
  introduced: number;
}

/** The connected peers of the page's torrent (its card's data-peers). */
const peersOf = (page: Page) =>
  page.evaluate(() => Number(document.querySelector<HTMLElement>('li[data-infohash]')?.dataset.peers ?? 0));

async function leg(appPort: number, mode: Mode, swarm: Swarm): Promise<Leg> {
  const relay = new TrimmedTracker(appPort, await freePort(), mode === 'tracker dies' ? 1 : Infinity);
  await relay.start();
  const at = (path: string) => {
    const url = new URL(path, relay.origin);
    if (mode === 'without peer exchange') url.searchParams.set('peer-exchange', 'off');
    return url.href;
  };
  const held = Math.max(1, Math.floor(swarm.size / choosePieceLength(swarm.size) / 4));
  try {
    return await withTabs(swarm.tabs, async ([seeder, ...tabs]) => {
      await openApp(seeder.page, at(heldPath(held)));
      const magnet = await share(seeder.page, swarm.path, swarm.name, JOIN_MS);
      for (const tab of tabs) await openApp(tab.page, at('/'));
      for (const [i, tab] of tabs.entries()) {
        await download(tab.page, magnet);
        const what = `downloader ${i + 1} to have a neighbour`;
        await untilValue(
          () => peersOf(tab.page),
          (peers) => peers >= 1,
          { what, timeoutMs: JOIN_MS, intervalMs: 100 },
        );
      }
      if (mode === 'tracker dies') await relay.stop();
      const since = Date.now();
      await untilValue(
        () => Promise.all(tabs.map((tab) => peersOf(tab.page))),
        (degrees) => degrees.every((degree) => degree >= swarm.tabs - 1),
        {
          what: `every downloader to have ${swarm.tabs - 1} neighbours`,
          timeoutMs: MESH_MS,
          intervalMs: 100,
        },
      );
      const seconds = (Date.now() - since) / 1000;
      return { offers: relay.offersRelayed, seconds, introduced: relay.introductions };
    });
  } finally {
    await relay.stop();
  }
}

/** The legs of one mode over the rounds: the ones that ran, and the first failure. */
interface Legs {
  ran: Leg[];
  failed?: Error;
}

const medianOf = (legs: Leg[], value: (leg: Leg) => number) => median(legs.map(value));
const each = (legs: Leg[], value: (leg: Leg) => number, digits: number) =>
  legs.map((leg) => value(leg).toFixed(digits)).join(', ');

function offersFigure(tabs: number, without: Legs, withPex: Legs): Figure {
  const title = `pex: offers the tracker relays per tab that joined a swarm of ${tabs}, with peer exchange`;
  const perTab = (leg: Leg) => leg.offers / tabs;
  const baseline = {
    name: 'without peer exchange',
    value: without.ran.length > 0 ? medianOf(without.ran, perTab) : null,
  };
  if (withPex.ran.length === 0 || without.ran.length === 0) {
    const reason = [withPex.failed, without.failed].filter((error) => error !== undefined).map(firstLine);
    return failedFigure(title, 'offers', baseline.name, atMost(1 / 3), reason.join('; '), baseline.value);
  }
  const rounds = `medians of ${withPex.ran.length} and ${without.ran.length} runs (with: ${each(withPex.ran, perTab, 3)}; without: ${each(without.ran, perTab, 3)})`;
  const meshed = `${medianOf(withPex.ran, (leg) => leg.seconds).toFixed(1)} s with, ${medianOf(without.ran, (leg) => leg.seconds).toFixed(1)} s without`;
  const note = `${rounds}; every tab connected to every other ${meshed} after the last tab's first neighbour`;
  return figure(title, medianOf(withPex.ran, perTab), 'offers', baseline, atMost(1 / 3), note);
}

function deathFigure(tabs: number, withPex: Legs, dies: Legs): Figure {
  const title = `pex: tracker dead, seconds until each of ${tabs} tabs is connected to every other`;
  const seconds = (leg: Leg) => leg.seconds;
  const baseline = {
    name: 'tracker up',
    value: withPex.ran.length > 0 ? medianOf(withPex.ran, seconds) : null,
  };
  if (dies.ran.length === 0)
    return failedFigure(title, 's', baseline.name, noGoal, firstLine(dies.failed!), baseline.value);
  const all = (tabs * (tabs - 1)) / 2;
  const rounds = `median of ${dies.ran.length} runs (${each(dies.ran, seconds, 1)} s)`;
  const introduced = `the tracker (one offer an announce) introduced ${each(dies.ran, (leg) => leg.introduced, 0)} of the ${all} connections`;
  return figure(title, medianOf(dies.ran, seconds), 's', baseline, noGoal, `${rounds}; ${introduced}`);
}

export const pexBench: Bench = {
  name: 'pex',
  flags: {
    '--tiny': '4 tabs and 1 MiB, one run: a smoke',
    '--runs=N': 'rounds of the three legs, in turns (3)',
  },
  figures: 'peer exchange: offers the tracker relays, and a swarm outliving its tracker',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const tiny = context.flags.has('--tiny');
    const runs = countFlag(context.flags, 'runs', tiny ? 1 : 3);
    const size = (tiny ? 1 : 4) * MiB;
    const name = `bench-pex-${size / MiB}MiB.bin`;
    const server = await serveApp(buildApp(context.log));
    const file = randomFileOf(size, name);
    const swarm = { tabs: tiny ? 4 : 8, size, name, path: file.path };
    const legs = new Map<Mode, Legs>(MODES.map((mode) => [mode, { ran: [] }]));
    try {
      for (let round = 1; round <= runs; round++) {
        for (const mode of MODES) {
          const result = await attempt(context.log, mode, () => leg(server.port, mode, swarm));
          const of = legs.get(mode)!;
          if (result instanceof Error) {
            of.failed ??= result;
            continue;
          }
          of.ran.push(result);
          const after = `every tab connected to every other after ${result.seconds} s`;
          context.log(`  run ${round}, ${mode}: ${result.offers} offers; ${after}`);
        }
      }
      const [without, withPex, dies] = MODES.map((mode) => legs.get(mode)!);
      return [offersFigure(swarm.tabs, without, withPex), deathFigure(swarm.tabs, withPex, dies)];
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
  },
};
