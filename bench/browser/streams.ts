// Files as streams: a video played while it downloads, our app against WebTorrent's streaming (playback.ts).
// A share read in place against copied and Save's memory through the service worker are decision 0022.
// `--tiny` shrinks the videos to a smoke run of a few minutes; `--only=` chooses among the files.
import { browserVersion, buildApp, serveApp } from '../lib/app';
import type { Bench } from '../lib/figure';
import { PLAYBACK_PARTS, playbackFigures } from './playback';

export const streamsBench: Bench = {
  name: 'streams',
  flags: {
    '--tiny': 'smaller videos, one session each: a smoke',
    '--sessions=N': 'sessions of each client for the first frames and seeks (5)',
    '--log-reads': "logs our player's reads up to its first frame and from a seek",
  },
  parts: PLAYBACK_PARTS,
  figures: 'files as streams: playback against WebTorrent',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const server = await serveApp(buildApp(context.log));
    try {
      return await playbackFigures(context, server);
    } finally {
      await server.close();
    }
  },
};
