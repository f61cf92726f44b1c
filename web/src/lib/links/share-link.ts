// The share link: the app's URL with the magnet link in its fragment, and for a private share its key
// after it as `&k=<base64url>`. The fragment never reaches a server: the key travels only where the link goes.
// The magnet link is percent-encoded whole, so the one literal `&` of the fragment is the key's.
import { isKeyText } from '../../../../shared/private-share/private-share';

const KEY_PART = /&k=([^&]*)$/;

/** The link `Copy share link` copies and the QR code shows. */
export function shareLink(origin: string, magnet: string, key?: string): string {
  return `${origin}/#${encodeURIComponent(magnet)}${key ? `&k=${key}` : ''}`;
}

/** The magnet link (or info hash) and the key a fragment (without `#`) carries; `key` is a key's text when present,
 * `badKey` when the fragment names a key that cannot be one (cut or damaged in transit). */
export function parseShareFragment(raw: string): { link: string; key?: string; badKey?: true } {
  const match = KEY_PART.exec(raw);
  const encoded = match ? raw.slice(0, match.index) : raw;
  let link = encoded;
  try {
    link = decodeURIComponent(encoded);
  } catch {
    // keep it as it is
  }
  if (!match) return { link };
  return isKeyText(match[1]) ? { link, key: match[1] } : { link, badKey: true };
}
