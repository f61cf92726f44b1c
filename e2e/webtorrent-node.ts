// WebTorrent 3 in Node (the `webtorrent` package, what a Node app or the `webtorrent` command line runs): WebRTC
// through its tracker client's node-datachannel (webrtc-polyfill), no DHT, LSD, uTP or port mapping, so its only
// peers are the ones our tracker signals. node-datachannel never reports the end of its candidates, so simple-peer
// would wait its 5 s timeout for each description: the keeper's patch fires it once gathering is complete.
import { fireEndOfCandidates } from '../node-host/end-of-candidates';
import WebTorrent from 'webtorrent';

export type { Torrent } from 'webtorrent';

/** A WebTorrent client in this process; `stop` destroys it and its torrents. */
export function nodeWebTorrent(): { client: WebTorrent; stop: () => Promise<void> } {
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
  client.on('error', () => {});
  const stop = () => new Promise<void>((resolve) => client.destroy(() => resolve()));
  return { client, stop };
}

/** Resolves once `torrent` has every piece. */
export function finished(torrent: import('webtorrent').Torrent): Promise<void> {
  return torrent.done ? Promise.resolve() : new Promise((resolve) => torrent.once('done', () => resolve()));
}
