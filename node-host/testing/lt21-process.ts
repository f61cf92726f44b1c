// The libtorrent-2.1-shaped peer in a process of its own, for tests that run where a native library's stall would
// stall everything else (a Playwright worker runs every spec of a run): node-datachannel closes its connections on
// its own threads, and a process stopped by its pid takes them all with it.
//
//   node --import tsx node-host/testing/lt21-process.ts '{"tracker":…,"stun":…,"torrent":<path>,"folder":<path>}'
//
// It prints one JSON line per event: {"ready":true} once announced, {"done":true} once it has every piece, and on
// SIGTERM {"seen":…} (what Lt21Peer saw) before it exits.
import { readFile } from 'node:fs/promises';
import { NodeHost } from '../node-host';
import { Lt21Peer, torrentDone, type Lt21Seen } from './lt21-peer';

export interface Lt21ProcessArgs {
  tracker: string;
  stun: string;
  /** The .torrent's path. */
  torrent: string;
  /** The folder its files are in, or go to. */
  folder: string;
}

export interface Lt21Report {
  seen: Lt21Seen;
  /** Writes each stream handed to its channel, one in flight at a time. */
  writes: number[];
}

async function main(args: Lt21ProcessArgs): Promise<void> {
  const host = new NodeHost();
  const torrent = await host.add({ torrent: await readFile(args.torrent), folder: args.folder });
  const peer = new Lt21Peer({ tracker: args.tracker, stun: args.stun, torrent });
  await peer.start();
  const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
  say({ ready: true });
  void torrentDone(torrent).then(() => say({ done: true }));
  process.once('SIGTERM', () => {
    const report: Lt21Report = { seen: peer.seen, writes: peer.streams.map((stream) => stream.writes) };
    say(report);
    void peer.stop().then(() => process.exit(0));
  });
}

void main(JSON.parse(process.argv[2]) as Lt21ProcessArgs);
