// The peers of a torrent's view: the engine's figures per connection, with what the page knows of each connection
// (its path: direct or through a relay). A seeding torrent asks nobody for anything, so it receives nothing: its rates
// read 0 at once, not after the engine's rolling window (5 s) has drained.
import type { PeerStats } from '../../../../shared/engine/contract/engine-types';
import type { PeerPath, PeerRow } from '../../lib/messages/protocol';

export function peerRows(
  stats: readonly PeerStats[],
  paths: ReadonlyMap<string, PeerPath>,
  seeding: boolean,
): PeerRow[] {
  return stats.map((peer) => {
    const row: PeerRow = seeding && peer.downloadRate !== 0 ? { ...peer, downloadRate: 0 } : { ...peer };
    const path = paths.get(peer.peer);
    if (path) row.path = path;
    return row;
  });
}

/** The torrent's download rate as shown: 0 once it seeds (complete: nothing more is fetched). */
export function shownDownloadRate(rate: number, seeding: boolean): number {
  return seeding ? 0 : rate;
}
