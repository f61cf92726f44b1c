// Which torrent the page brings into view, and what it says there: the one just added, or the one a link names
// that is already listed (a person pasting it twice, or opening their own share link, is told so in words instead of
// being offered a second download of it).
import type { TorrentView } from '../lib/messages/protocol';

export interface Spotlight {
  infoHashHex: string;
  /** Said on the item (a status), when there is something to say. */
  note?: string;
  /** Grows with every spotlight, so that the same item is brought into view again when asked again. */
  seq: number;
  /** A share just made: the focus goes to its `Copy share link`, what the sender does next. */
  focus?: 'copy-link';
}

/** The key of a share being prepared that `after` lists and `before` did not: the card a sender just started. */
export function newShareInProgress(
  before: readonly TorrentView[],
  after: readonly TorrentView[],
): string | undefined {
  const known = new Set(before.map((view) => view.infoHashHex));
  return after.find((view) => view.hashing !== undefined && !known.has(view.infoHashHex))?.infoHashHex;
}

/** Whether every chosen file is here and the torrent serves it: what the user shares. */
function sharing(view: TorrentView): boolean {
  return view.state === 'seeding' || view.hashing !== undefined;
}

/** What an already listed torrent says when its link is opened or pasted again. */
export function listedNote(view: TorrentView): string {
  return sharing(view)
    ? 'You are already sharing this: nothing to download.'
    : 'Already in your list: this is its download.';
}

/** The listed torrent with this info hash (either of a hybrid's), if any. */
export function listedTorrent(
  torrents: readonly TorrentView[],
  infoHashHex: string,
): TorrentView | undefined {
  const wanted = infoHashHex.toLowerCase();
  if (wanted === '') return undefined;
  return torrents.find(
    (view) => view.infoHashHex.toLowerCase() === wanted || view.magnet.toLowerCase().includes(wanted),
  );
}

/** The list as shown: the newest first, so that what was just added is at the top. */
export function newestFirst(torrents: readonly TorrentView[]): TorrentView[] {
  return [...torrents].sort((a, b) => b.addedAt - a.addedAt);
}
