import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { addressKey, clientAddress, isTrustedProxy, parseTrustedProxies } from './client-address';

const request = (remoteAddress: string, forwarded?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

describe('client addresses', () => {
  it('groups IPv6 by /64 and reads IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('nonsense')).toBe('unknown');
  });

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    const proxies = parseTrustedProxies('10.0.0.0/8, 192.0.2.7, fd00::/8');
    expect(isTrustedProxy('10.1.2.3', proxies)).toBe(true);
    expect(isTrustedProxy('::ffff:192.0.2.7', proxies)).toBe(true);
    expect(isTrustedProxy('fd12::1', proxies)).toBe(true);
    expect(isTrustedProxy('192.0.2.8', proxies)).toBe(false);
    expect(clientAddress(request('10.9.9.9', '6.6.6.6, 198.51.100.4'), true, proxies)).toBe('198.51.100.4');
    expect(clientAddress(request('203.0.113.5', '198.51.100.4'), true, proxies)).toBe('203.0.113.5');
    expect(clientAddress(request('10.9.9.9', '198.51.100.4'), false, proxies)).toBe('10.9.9.9');
    // The default: loopback only.
    expect(clientAddress(request('127.0.0.1', '198.51.100.4'), true)).toBe('198.51.100.4');
    expect(clientAddress(request('::1', '198.51.100.4'), true)).toBe('198.51.100.4');
    expect(clientAddress(request('192.0.2.1', '198.51.100.4'), true)).toBe('192.0.2.1');
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/10.0.0.0\/33/);
    expect(() => parseTrustedProxies(' , ')).toThrow(/no address/);
  });
});
