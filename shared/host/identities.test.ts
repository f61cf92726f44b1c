import { describe, expect, it } from 'vitest';
import { connectionIdentities, isPublicAddress } from './identities';

const SDP = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  'a=fingerprint:sha-256 ab:CD:01:23',
  'a=setup:actpass',
  '',
].join('\r\n');

describe('connectionIdentities', () => {
  it('names the remote end by its DTLS fingerprint and its public address', () => {
    expect(connectionIdentities(SDP, '203.0.113.9')).toEqual(['dtls:sha-256:AB:CD:01:23', 'ip:203.0.113.9']);
  });

  it('leaves out addresses that many honest peers share, and copes with no description', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.4',
      '172.20.0.1',
      '100.64.0.1',
      'abc.local',
      '::1',
    ]) {
      expect(connectionIdentities(SDP, address)).toEqual(['dtls:sha-256:AB:CD:01:23']);
    }
    expect(connectionIdentities(undefined, undefined)).toEqual([]);
  });
});

describe('isPublicAddress', () => {
  it('tells public IPv4 and IPv6 addresses from private, local and malformed ones', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2001:db8::1')).toBe(true);
    expect(isPublicAddress('::ffff:203.0.113.1')).toBe(true);
    expect(isPublicAddress('::ffff:10.0.0.1')).toBe(false);
    expect(isPublicAddress('fe80::1')).toBe(false);
    expect(isPublicAddress('fd00::1')).toBe(false);
    expect(isPublicAddress('169.254.1.1')).toBe(false);
    expect(isPublicAddress('300.1.1.1')).toBe(false);
    expect(isPublicAddress('')).toBe(false);
  });

  it('draws the IPv4 ranges at their edges', () => {
    for (const address of [
      '0.1.2.3',
      '169.254.1.1',
      '172.31.255.255',
      '100.127.0.1',
      '224.0.0.1',
      '1.2.3.256',
    ])
      expect(isPublicAddress(address)).toBe(false);
    for (const address of ['169.253.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '223.255.255.255'])
      expect(isPublicAddress(address)).toBe(true);
  });
});
