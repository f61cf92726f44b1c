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

/**
 * The client's address for a request. With `trustProxy`, the last entry of X-Forwarded-For (the one our own
 * proxy added; earlier entries come from the client and prove nothing); without it, the socket's peer.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header[header.length - 1] : header;
    if (value) {
      const entries = value.split(',');
      return addressKey(entries[entries.length - 1]);
    }
  }
  return addressKey(request.socket.remoteAddress);
}
