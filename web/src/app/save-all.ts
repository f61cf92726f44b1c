// Which files `Save all to a folder` and `Save all as .zip` take: the files the user chose (every file unchecked
// with `Download <path>` is left out), once each of them is complete. A torrent with nothing chosen saves nothing.
import type { TorrentView } from '../lib/messages/protocol';

type Files = Pick<TorrentView, 'files'>;

/** The chosen files, in the torrent's order. */
export function chosenFiles(view: Files): TorrentView['files'] {
  return view.files.filter((file) => file.chosen);
}

/** Whether `Save all` can run: at least one file chosen and every chosen file complete. */
export function canSaveAll(view: Files): boolean {
  const chosen = chosenFiles(view);
  return chosen.length > 0 && chosen.every((file) => file.complete);
}

/** The files `Save all` writes: the chosen ones that are complete. */
export function filesToSave(view: Files): TorrentView['files'] {
  return chosenFiles(view).filter((file) => file.complete);
}
