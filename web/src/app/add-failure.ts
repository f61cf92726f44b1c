// The words under the download field when a link is not added: a typo is named as what the user gave (a share link,
// or a magnet link or info hash), a full browser is said as such, anything else is no typo.
import type { DownloadInputKind } from '../lib/links/download-input';

export function addFailure(kind: DownloadInputKind, reason: string): string {
  if (/^Not enough storage/.test(reason)) return reason;
  // The worker's parse errors name the magnet link or the info hash; a storage or quota failure is no typo.
  const invalid = /magnet|info hash/i.test(reason) || !/^(storage|quota)/i.test(reason);
  if (!invalid) return `Could not add this torrent: ${reason}`;
  return `${kind === 'share link' ? 'Invalid share link' : 'Invalid magnet link or info hash'}: ${reason}`;
}
