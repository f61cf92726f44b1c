// A share being hashed, or a `Torrent to seed` being checked: listed beside the torrents, with its progress, until
// it ends (then the torrent it made is listed instead).
import type { TorrentView } from '../../lib/messages/protocol';

export interface ShareProgress {
  requestId: number;
  name: string;
  trackers: string[];
  total: number;
  hashed: number;
  addedAt: number;
  cancelled: boolean;
  /** A `Torrent to seed` being checked against the files chosen. */
  checking?: boolean;
}

/** A share is listed under this prefix and its request's id (the page removes it by that key to cancel it). */
export const SHARE_ID_PREFIX = 'hashing-';

/** The view of a share in progress: named, sized, with how far its hashing got. */
export function shareView(key: string, share: ShareProgress): TorrentView {
  return {
    infoHashHex: key,
    name: share.name,
    state: 'fetching-metadata',
    magnet: '',
    trackers: share.trackers,
    progress: 0,
    length: share.total,
    pieceCount: 0,
    have: 0,
    downloaded: 0,
    uploaded: 0,
    downloadRate: 0,
    uploadRate: 0,
    peers: 0,
    seeds: 0,
    files: [],
    peerStats: [],
    availability: [],
    addedAt: share.addedAt,
    hashing: share.total > 0 ? share.hashed / share.total : 0,
    ...(share.checking ? { checking: true } : {}),
  };
}
