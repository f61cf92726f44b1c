// What a torrent's card says on its surface, in words a person uses: how big it is (the files, not the BEP 47 pad
// bytes that align them to pieces), how far along, from how many people, how long is left; whether the files
// chosen (not every file) are done. BitTorrent's own terms stay in the card's details.
import type { TorrentView } from '../messages/protocol';
import { PRIVATE_SHARE_NAME, WRONG_KEY_MESSAGE } from '../../../../shared/private-share/private-share';
import { STORAGE_WAIT_PREFIX } from '../../../../shared/engine/session/storage-stall';
import { formatBytes, formatDuration, plural } from './format';

type Sized = Pick<TorrentView, 'files' | 'length' | 'pieceCount'>;

/** The bytes of the files (pad files are never listed), or the torrent's length while no file is known. */
export function contentLength(view: Sized): number {
  return view.files.length > 0 ? view.files.reduce((sum, file) => sum + file.length, 0) : view.length;
}

/** `2.0 MiB`, or undefined while the size is not known (no metadata yet). */
export function sizeText(view: Sized): string | undefined {
  return view.length > 0 || view.pieceCount > 0 || view.files.length > 0
    ? formatBytes(contentLength(view))
    : undefined;
}

/** Some files were left unchecked and every chosen one is here: the download is done, the torrent is not whole. */
export function chosenDone(view: Pick<TorrentView, 'state' | 'files'>): boolean {
  return (
    view.state === 'seeding' &&
    view.files.some((file) => !file.chosen && !file.complete) &&
    view.files.every((file) => file.complete || !file.chosen)
  );
}

const people = (count: number) => plural(count, 'person', 'people');

function preparing(view: TorrentView, hashing: number): string {
  return view.checking
    ? 'Checking your files against the torrent before sharing them.'
    : `Preparing ${sizeText(view) ?? 'the files'} to share: ${Math.floor(hashing * 100)}% read.`;
}

function finished(view: TorrentView, size: string | undefined): string {
  const what = chosenDone(view)
    ? `The files you chose are done (${view.files.filter((f) => f.chosen).length} of ${view.files.length})`
    : `Done: ${size ?? 'every file'}`;
  return view.peers > 0 ? `${what}, shared with ${people(view.peers)}.` : `${what}.`;
}

/** One sentence under the card's name: what is happening, in a person's words. */
export function statusSentence(view: TorrentView): string {
  if (view.hashing !== undefined) return preparing(view, view.hashing);
  const size = sizeText(view);
  const done = Math.max(0, Math.min(100, Math.floor(view.progress)));
  switch (view.state) {
    case 'fetching-metadata':
      return 'Waiting for someone who shares it to send its list of files.';
    case 'downloading': {
      const left = view.timeLeft === undefined ? '' : `, ${formatDuration(view.timeLeft)} left`;
      return `${done}% of ${size ?? 'it'} done, from ${people(view.peers)} sharing it${left}.`;
    }
    case 'seeding':
      return finished(view, size);
    case 'paused':
      return `Paused at ${done}% of ${size ?? 'it'}.`;
    case 'stopped':
      return 'Stopped.';
    case 'error':
      // Storage refused a piece: the download goes on by itself once there is room (the status says why).
      return view.error?.startsWith(STORAGE_WAIT_PREFIX)
        ? `No room to store more, at ${done}% of ${size ?? 'it'}: it goes on once there is room.`
        : 'It stopped on an error.';
  }
}

/** A share link whose key did not open the files: the link is broken, nothing of it is offered to pass on. */
export function linkFailed(view: Pick<TorrentView, 'state' | 'error'>): boolean {
  return view.state === 'error' && (view.error ?? '').includes(WRONG_KEY_MESSAGE);
}

/** A private share opened by its magnet link alone: ciphertext that nothing here can open without the share link. */
export function lockedShare(view: Pick<TorrentView, 'name' | 'shareKey' | 'hashing'>): boolean {
  return view.name === PRIVATE_SHARE_NAME && !view.shareKey && view.hashing === undefined;
}
