// Peer ids for the sessions of this tab: one per torrent (its tracker announces take their own in the page).
import { toHex } from '../../../../shared/codec/magnet';
import { PEER_ID_PREFIX } from '../../../../shared/host/identities';

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** `n` random bytes as hex (a new share's storage id). */
export function randomHex(n: number): string {
  return toHex(randomBytes(n));
}

const PEER_ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Our client prefix (`PEER_ID_PREFIX`) followed by 12 random alphanumerics (printable, so it survives as a JSON string). */
export function newPeerId(): Uint8Array {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode(PEER_ID_PREFIX));
  const random = randomBytes(12);
  for (let i = 0; i < 12; i++) id[8 + i] = PEER_ID_CHARS.charCodeAt(random[i] % PEER_ID_CHARS.length);
  return id;
}
