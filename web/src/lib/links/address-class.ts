// Which kind of network a host of a URL is on, from the host as the WHATWG URL parser serialises it: every spelling
// of an IPv4 address (decimal `2130706433`, hex `0x7f.1`, octal `0177.0.0.1`, short `127.1`, percent-encoded) is
// already dotted decimal there, and IPv6 is compressed lowercase hex in brackets (`[::ffff:7f00:1]`). A name is
// public unless it is `localhost` or under `.localhost`, which browsers resolve to this device themselves; what other
// names resolve to is the browser's to police, not ours (we cannot resolve names from a page).

/**
 * `loopback`: this device (127.0.0.0/8, ::1, localhost). `unspecified`: 0.0.0.0/8 and ::, which an operating system
 * connects to this device too. `private`: 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fc00::/7 and
 * the old site-local fec0::/10. `link-local`: 169.254/16, fe80::/10. Anything else is `public`.
 */
export type AddressClass = 'public' | 'loopback' | 'unspecified' | 'private' | 'link-local';

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The class of an IPv4 address given as its 32-bit value. */
function ipv4Class(value: number): AddressClass {
  const a = value >>> 24;
  const b = (value >>> 16) & 0xff;
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  return 'public';
}

function dottedValue(text: string): number | undefined {
  const match = DOTTED.exec(text);
  if (!match) return undefined;
  const parts = match.slice(1).map(Number);
  if (parts.some((part) => part > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** The eight 16-bit groups of an IPv6 address in the parser's form (hex groups, at most one `::`, no dotted tail). */
function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const read = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const head = read(halves[0]);
  const tail = halves.length === 2 ? read(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)
    ? groups
    : undefined;
}

/** The IPv4 address an IPv6 one carries in its last 32 bits, for the forms that reach it: IPv4-mapped
 * (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96), IPv4-compatible (::/96) and NAT64 (64:ff9b::/96). */
function embeddedIpv4(groups: number[]): number | undefined {
  const prefix = groups.slice(0, 6);
  const zeros = (from: number, to: number) => prefix.slice(from, to).every((group) => group === 0);
  const embeds =
    (zeros(0, 5) && (prefix[5] === 0xffff || prefix[5] === 0)) ||
    (zeros(0, 4) && prefix[4] === 0xffff && prefix[5] === 0) ||
    (prefix[0] === 0x64 && prefix[1] === 0xff9b && zeros(2, 6));
  return embeds ? ((groups[6] << 16) | groups[7]) >>> 0 : undefined;
}

function ipv6Class(groups: number[]): AddressClass {
  const allZeroBefore = (end: number) => groups.slice(0, end).every((group) => group === 0);
  if (allZeroBefore(8)) return 'unspecified';
  if (allZeroBefore(7) && groups[7] === 1) return 'loopback';
  const v4 = embeddedIpv4(groups);
  if (v4 !== undefined) return ipv4Class(v4);
  if ((groups[0] & 0xfe00) === 0xfc00 || (groups[0] & 0xffc0) === 0xfec0) return 'private';
  if ((groups[0] & 0xffc0) === 0xfe80) return 'link-local';
  return 'public';
}

/** The class of a URL's `hostname` (as `new URL(...).hostname` gives it). */
export function hostClass(hostname: string): AddressClass {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') && host.endsWith(']')) {
    const groups = ipv6Groups(host.slice(1, -1));
    // Not in the parser's form: treated as this device, the strictest class, rather than guessed public.
    return groups ? ipv6Class(groups) : 'loopback';
  }
  const v4 = dottedValue(host);
  if (v4 !== undefined) return ipv4Class(v4);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return 'public';
}

/** The class of a URL's host, or undefined when it is no URL. */
export function urlClass(url: string): AddressClass | undefined {
  try {
    return hostClass(new URL(url).hostname);
  } catch {
    return undefined;
  }
}
