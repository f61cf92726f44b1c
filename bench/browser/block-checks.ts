// Play to the first frame with block checks against piece checks, in real tabs: the `streams` bench's
// video (playback.ts: 60 s at 12 Mbit/s, ffmpeg's default WebM) made into two .torrent files here, a hybrid (what
// `Share files` makes: the leecher asks the leaf hashes ahead of the playhead and checks each 16 KiB block on
// arrival) and a v1-only one (each piece checked once complete), with the app's piece length. For each, one tab
// seeds it from the file (`Torrent to seed`, `Files to seed it from`: the same seeding path either way) and another
// downloads its magnet link and presses Play; the v1 and hybrid sessions alternate, the seeder without a limit, then
// at 2.4 times the bitrate. --tiny: 10 s at 2 Mbit/s, one session each.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { createInfo, encodeTorrent, type SourceFile } from '../../shared/codec/metainfo';
import { createAnyInfo, encodeAnyTorrent } from '../../shared/codec/metainfo-v2';
import { sha1 } from '../../shared/testing/sha1';
import { sha256 } from '../../shared/testing/sha256';
import { browserVersion, buildApp, serveApp } from '../lib/app';
import { atMost, failedFigure, figure, median, type BenchContext, type Figure } from '../lib/figure';
import { seedTorrent } from './app-steps';
import { attempt, benchVideo, LIMIT_RATIO, playFromTab, videoSize, type Outcome } from './playback';

/** The goal: block checks cost the first frame at most this much against piece checks. */
const GOAL_RATIO = 1.2;

/** The video's hybrid and v1-only .torrent files, written beside it (no trackers: the app adds its own). */
export async function videoTorrents(path: string, name: string): Promise<{ hybrid: string; v1: string }> {
  const data = new Uint8Array(readFileSync(path));
  const files: SourceFile[] = [
    { path: [name], length: data.length, read: async (at, length) => data.subarray(at, at + length) },
  ];
  const hybrid = await createAnyInfo(files, { name, sha1, sha256 });
  const v1 = await createInfo(files, { name, sha1 });
  const paths = { hybrid: `${path}.hybrid.torrent`, v1: `${path}.v1.torrent` };
  writeFileSync(
    paths.hybrid,
    encodeAnyTorrent({ info: hybrid.info, pieceLayers: hybrid.pieceLayers, announce: [] }),
  );
  writeFileSync(paths.v1, encodeTorrent({ info: v1, announce: [] }));
  return paths;
}

const firstFrames = (outcomes: Outcome[]): number[] =>
  outcomes.flatMap((outcome) => (outcome instanceof Error ? [] : [outcome.firstFrameMs / 1000]));

/** The figure of one seeder limit: the median first frame with block checks against that with piece checks. */
function checksFigure(name: string, blocks: Outcome[], pieces: Outcome[], note: string): Figure {
  const [withBlocks, withPieces] = [firstFrames(blocks), firstFrames(pieces)];
  const baseline = 'piece checks (v1-only torrent)';
  const firstError = (outcomes: Outcome[]) =>
    outcomes.find((outcome): outcome is Error => outcome instanceof Error)?.message.split('\n')[0];
  if (withBlocks.length === 0)
    return failedFigure(
      name,
      's',
      baseline,
      atMost(GOAL_RATIO),
      `block checks: ${firstError(blocks)}`,
      withPieces.length > 0 ? median(withPieces) : null,
    );
  if (withPieces.length === 0)
    return {
      ...figure(name, median(withBlocks), 's', { name: baseline, value: null }, atMost(GOAL_RATIO), note),
      error: `piece checks: ${firstError(pieces)}`,
    };
  return figure(
    name,
    median(withBlocks),
    's',
    { name: baseline, value: median(withPieces) },
    atMost(GOAL_RATIO),
    `${note}; block checks ${withBlocks.map((s) => s.toFixed(2)).join(', ')} s, piece checks ` +
      `${withPieces.map((s) => s.toFixed(2)).join(', ')} s`,
  );
}

/** The real-tab figures: Play to the first frame, a hybrid against a v1-only torrent, without a limit and at 2.4x. */
export async function tabFigures(context: BenchContext): Promise<Figure[]> {
  context.browserVersion ??= await browserVersion();
  const { duration, bitrate } = videoSize(context);
  const runs = context.flags.has('--tiny') ? 1 : 3;
  const server = await serveApp(buildApp(context.log));
  const url = new URL('/', server.url).href;
  try {
    const video = benchVideo(context);
    const name = video.split('/').pop()!;
    const torrents = await videoTorrents(video, name);
    const limitKiB = Math.round((LIMIT_RATIO * readFileSync(video).length) / duration / 1024);
    // The seeder's magnet link: with the v2 hash for the hybrid (the leecher joins as a v2 peer), without for v1.
    const seedAs = async (page: Page, kind: 'hybrid' | 'v1') => {
      const magnet = await seedTorrent(page, torrents[kind], [video], name, 120_000);
      if (magnet.includes('xt=urn:btmh:') !== (kind === 'hybrid'))
        throw new Error(`the ${kind} share's magnet link is not one: ${magnet}`);
      return magnet;
    };
    const figures: Figure[] = [];
    for (const limit of [0, limitKiB]) {
      const at = limit ? `seeder at ${LIMIT_RATIO}x the bitrate (${limit} KiB/s)` : 'seeder without a limit';
      const blocks: Outcome[] = [];
      const pieces: Outcome[] = [];
      for (let run = 0; run < runs; run++) {
        // Alternating, so that a busy moment of the machine does not fall on one side only.
        for (const kind of run % 2 === 0 ? (['v1', 'hybrid'] as const) : (['hybrid', 'v1'] as const)) {
          const session = await attempt(context.log, `${kind}, ${at}, run ${run + 1}`, () =>
            playFromTab(url, name, limit, 'first', (page) => seedAs(page, kind)),
          );
          (kind === 'hybrid' ? blocks : pieces).push(session);
        }
      }
      figures.push(
        checksFigure(
          `block-checks, real tabs: Play to the first frame, ${duration} s WebM at ${bitrate / 1e6} Mbit/s, ${at}, block checks`,
          blocks,
          pieces,
          `median of ${runs}; two Chromium tabs, the seeder seeding a .torrent from the file (hybrid against ` +
            `v1-only, the app's piece length)`,
        ),
      );
    }
    return figures;
  } finally {
    await server.close();
  }
}
