// Downloads that finished between two lists of the engine (the page says so when the tab is in the background).
import type { TorrentView } from '../lib/messages/protocol';

/** The torrents of `after` that were downloading in `before` and are seeding now. */
export function finishedDownloads(
  before: readonly TorrentView[],
  after: readonly TorrentView[],
): TorrentView[] {
  const downloading = new Set(
    before.filter((view) => view.state === 'downloading').map((view) => view.infoHashHex),
  );
  return after.filter((view) => view.state === 'seeding' && downloading.has(view.infoHashHex));
}
