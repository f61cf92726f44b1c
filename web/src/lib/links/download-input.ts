// What the `Magnet link or info hash` field was given. The app hands out three kinds of text (its share links, with
// or without a private share's key; magnet links; info hashes) and the field takes each, so that the installed app,
// which has no address bar, can open its own share links there.
import { isBareInfoHash } from '../../../../shared/codec/magnet';
import { parseShareFragment } from './share-link';

export type DownloadInputKind = 'share link' | 'magnet link' | 'info hash';

export interface DownloadInput {
  kind: DownloadInputKind;
  /** The magnet link or info hash to add. */
  link: string;
  /** A private share's key, from a share link. */
  key?: string;
  /** A share link whose key was cut or damaged on its way. */
  badKey?: true;
}

/** The field's text read as one of the app's own kinds; anything else is handed on as a magnet link to be refused
 * there in the parser's words. */
export function readDownloadInput(text: string): DownloadInput {
  const trimmed = text.trim();
  const fragment = shareFragment(trimmed);
  if (fragment !== undefined) return { kind: 'share link', ...parseShareFragment(fragment) };
  if (/^magnet:/i.test(trimmed)) return { kind: 'magnet link', link: trimmed };
  if (isBareInfoHash(trimmed, true)) return { kind: 'info hash', link: trimmed };
  return { kind: 'magnet link', link: trimmed };
}

/** The fragment of an http(s) link whose fragment holds a magnet link or an info hash: a share link of any
 * SwarmDrop, this one or another's (the link names its own trackers). */
function shareFragment(text: string): string | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const fragment = url.hash.slice(1);
  if (!fragment) return undefined;
  const { link } = parseShareFragment(fragment);
  return /^magnet:/i.test(link) || isBareInfoHash(link, true) ? fragment : undefined;
}
