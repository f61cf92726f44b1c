// What names the far end of a data channel beyond the peer id it chose: its DTLS certificate fingerprint (from the
// remote description) and its address when that is a public one. The engine bans a saboteur under these too.
// Loopback, private, link-local, shared (CGNAT) and mDNS addresses are left out: many honest peers share them (one
// machine, one home network, one carrier NAT), and banning one would ban them all.

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

export function isPublicAddress(address: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if ([a, b, Number(v4[3]), Number(v4[4])].some((n) => n > 255)) return false;
    return !(
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (!address.includes(':')) return false; // a host name (mDNS `….local`) or nothing we know
  const lower = address.toLowerCase();
  if (lower === '::' || lower === '::1') return false;
  if (lower.startsWith('::ffff:')) return isPublicAddress(lower.slice(7));
  const first = parseInt(lower.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((first & 0xff00) === 0xff00) return false; // multicast
  return true;
}
