// WebTorrent 3 in Node (the `webtorrent` package, what a Node app or the `webtorrent` command line runs) in a process
// of its own, stopped by its pid: its WebRTC is node-datachannel (through webrtc-polyfill), whose threads must not
// share the Playwright worker that runs every spec. No DHT, LSD, uTP or port mapping, so its only peers are the ones
// our tracker signals. node-datachannel never reports the end of its candidates, so simple-peer would wait its 5 s
// timeout for each description: the keeper's patch reports it once gathering is complete.
//
//   node --import tsx e2e/webtorrent-node.ts '{"seed":<file>,"tracker":…}'       prints {"magnet":…}
//   node --import tsx e2e/webtorrent-node.ts '{"add":<magnet>,"folder":<path>}'   prints {"done":true}
import WebTorrent, { type Torrent } from 'webtorrent';
import { fireEndOfCandidates } from '../node-host/end-of-candidates';

export interface WebTorrentJob {
  /** A file to seed, announced to `tracker`. */
  seed?: string;
  tracker?: string;
  /** A magnet link to download into `folder`. */
  add?: string;
  folder?: string;
}

function main(job: WebTorrentJob): void {
  fireEndOfCandidates();
  const client = new WebTorrent({
    dht: false,
    lsd: false,
    utp: false,
    natUpnp: false,
    natPmp: false,
    webSeeds: false,
    tracker: { rtcConfig: { iceServers: [] } },
  });
  client.on('error', (error) => process.stderr.write(`webtorrent: ${String(error)}\n`));
  const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
  if (job.seed)
    client.seed(job.seed, { announce: [job.tracker!] }, (torrent) => say({ magnet: torrent.magnetURI }));
  if (job.add) {
    const torrent: Torrent = client.add(job.add, { path: job.folder! });
    const done = () => say({ done: true });
    if (torrent.done) done();
    else torrent.once('done', done);
  }
  process.once('SIGTERM', () => process.exit(0));
}

if (process.argv[2]) main(JSON.parse(process.argv[2]) as WebTorrentJob);
