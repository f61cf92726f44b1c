// The address a connection's limits are counted against: the socket's peer address, or, behind a trusted
// reverse proxy, the address the proxy appended to X-Forwarded-For. IPv6 clients are grouped by their /64,
// since one home or host usually holds a whole /64 and could otherwise take a new address per connection.
import ipaddr from 'ipaddr.js';
import type { IncomingMessage } from 'node:http';

/** The key for per-address limits: an IPv4 address, an IPv6 /64 as `2001:db8:1:2::/64`, or `unknown`. */
export function addressKey(text: string | undefined): string {
  if (!text) return 'unknown';
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(text.trim());
  } catch {
    return 'unknown';
  }
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

/** Addresses and networks (CIDR) whose X-Forwarded-For is believed. */
export type TrustedProxies = Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

/** The default --trusted-proxies: a proxy on the same host (loopback). */
export const DEFAULT_TRUSTED_PROXIES = '127.0.0.0/8,::1';

/** Parses a comma-separated list of addresses and CIDR networks (`10.0.0.0/8,::1`); throws on a bad entry. */
export function parseTrustedProxies(text: string, source = 'trusted proxies'): TrustedProxies {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error(`invalid trusted proxies (${source}): no address`);
  return entries.map((entry) => {
    try {
      if (entry.includes('/')) return ipaddr.parseCIDR(entry);
      const address = ipaddr.parse(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new Error(`invalid trusted proxy ${JSON.stringify(entry)} (${source}): an address or a CIDR`);
    }
  });
}

const LOOPBACK = parseTrustedProxies(DEFAULT_TRUSTED_PROXIES);

/** Whether the socket peer `text` is one of the trusted proxies (IPv4-mapped IPv6 counts as IPv4). */
export function isTrustedProxy(text: string | undefined, proxies: TrustedProxies): boolean {
  if (!text) return false;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(text);
  } catch {
    return false;
  }
  return proxies.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

/**
 * The client's address for a request. With `trustProxy`, and only when the request comes from one of
 * `trustedProxies` (default loopback), the last entry of X-Forwarded-For (the one our own proxy added; earlier
 * entries come from the client and prove nothing); otherwise the socket's peer: a client that reaches the port
 * directly cannot choose its address.
 */
export function clientAddress(
  request: IncomingMessage,
  trustProxy: boolean,
  trustedProxies: TrustedProxies = LOOPBACK,
): string {
  const peer = request.socket.remoteAddress;
  if (trustProxy && isTrustedProxy(peer, trustedProxies)) {
    const header = request.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header[header.length - 1] : header;
    if (value) {
      const entries = value.split(',');
      return addressKey(entries[entries.length - 1]);
    }
  }
  return addressKey(peer);
}
