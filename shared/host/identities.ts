// Who is at each end of a connection. Ours: the prefix of our peer ids. The far end's, beyond the peer id it chose:
// a data channel's DTLS certificate fingerprint (from the remote description) and its address when that is a public
// one, which every host tells the engine with `peer-connected` (the engine bans a saboteur under these too).
// Loopback, private, link-local, shared (CGNAT) and mDNS addresses are left out: many honest peers share them (one
// machine, one home network, one carrier NAT), and banning one would ban them all.

/** Our client's prefix of every peer id (BEP 20's Azureus style: a dash, two letters, four version digits, a dash).
 * `SW` is in no well-known client list (BEP 20, libtorrent's and Transmission's `identify_client`), so peers name us
 * by it rather than as another client. */
export const PEER_ID_PREFIX = '-SW0100-';

const FINGERPRINT_LINE = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm;

/** `dtls:<algorithm>:<fingerprint>` for each fingerprint in the SDP, then `ip:<address>` for a public address. */
export function connectionIdentities(
  remoteSdp: string | undefined,
  remoteAddress: string | undefined,
): string[] {
  const identities = new Set<string>();
  for (const match of (remoteSdp ?? '').matchAll(FINGERPRINT_LINE)) {
    identities.add(`dtls:${match[1].toLowerCase()}:${match[2].toUpperCase()}`);
    if (identities.size >= 2) break;
  }
  if (remoteAddress && isPublicAddress(remoteAddress)) identities.add(`ip:${remoteAddress.toLowerCase()}`);
  return [...identities];
}

/** IPv4 ranges left out, as [first octet, lowest second octet, highest second octet]: this network (0/8), private
 * (10/8, 172.16/12, 192.168/16), loopback (127/8), shared by carriers (100.64/10) and link-local (169.254/16). */
const UNNAMING_V4: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 255],
  [10, 0, 255],
  [127, 0, 255],
  [100, 64, 127],
  [169, 254, 254],
  [172, 16, 31],
  [192, 168, 168],
];

function isPublicV4(octets: number[]): boolean {
  if (octets.some((n) => n > 255)) return false;
  const [a, b] = octets;
  if (a >= 224) return false; // multicast and reserved
  return !UNNAMING_V4.some(([first, low, high]) => a === first && b >= low && b <= high);
}

function isPublicV6(lower: string): boolean {
  if (lower === '::' || lower === '::1') return false;
  if (lower.startsWith('::ffff:')) return isPublicAddress(lower.slice(7));
  const first = parseInt(lower.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((first & 0xff00) === 0xff00) return false; // multicast
  return true;
}

export function isPublicAddress(address: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) return isPublicV4(v4.slice(1, 5).map(Number));
  if (!address.includes(':')) return false; // a host name (mDNS `….local`) or nothing we know
  return isPublicV6(address.toLowerCase());
}
