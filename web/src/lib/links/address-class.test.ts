import { describe, expect, it } from 'vitest';
import { hostClass, urlClass, type AddressClass } from './address-class';

/** Each URL as a link would spell it, and the class its host is in once the URL parser has normalised it. */
const CASES: Array<[string, AddressClass]> = [
  // loopback, in every IPv4 spelling the parser accepts
  ['ws://127.0.0.1:8000/', 'loopback'],
  ['ws://127.255.10.3/', 'loopback'],
  ['ws://2130706433/', 'loopback'],
  ['ws://0x7f000001/', 'loopback'],
  ['ws://0x7f.1/', 'loopback'],
  ['ws://0177.0.0.1/', 'loopback'],
  ['ws://127.1/', 'loopback'],
  ['ws://%31%32%37.0.0.1/', 'loopback'],
  ['ws://127.0.0.1./', 'loopback'],
  ['ws://[::1]/', 'loopback'],
  ['ws://[0:0:0:0:0:0:0:1]/', 'loopback'],
  ['ws://localhost:9000/', 'loopback'],
  ['ws://LOCALHOST./', 'loopback'],
  ['ws://api.localhost/', 'loopback'],
  // IPv4 inside IPv6
  ['ws://[::ffff:127.0.0.1]/', 'loopback'],
  ['ws://[::ffff:7f00:1]/', 'loopback'],
  ['ws://[::ffff:0:127.0.0.1]/', 'loopback'],
  ['ws://[::127.0.0.1]/', 'loopback'],
  ['ws://[64:ff9b::127.0.0.1]/', 'loopback'],
  ['ws://[::ffff:192.168.1.1]/', 'private'],
  ['ws://[::ffff:169.254.169.254]/', 'link-local'],
  ['ws://[::ffff:0.0.0.0]/', 'unspecified'],
  ['ws://[::ffff:8.8.8.8]/', 'public'],
  // unspecified
  ['ws://0.0.0.0/', 'unspecified'],
  ['ws://0/', 'unspecified'],
  ['ws://0.1.2.3/', 'unspecified'],
  ['ws://[::]/', 'unspecified'],
  ['ws://[::2]/', 'unspecified'],
  // private
  ['ws://10.0.0.1/', 'private'],
  ['ws://167772161/', 'private'],
  ['ws://172.16.0.1/', 'private'],
  ['ws://172.31.255.255/', 'private'],
  ['ws://192.168.1.1/', 'private'],
  ['ws://0xc0.0xa8.1.1/', 'private'],
  ['ws://100.64.0.1/', 'private'],
  ['ws://100.127.255.255/', 'private'],
  ['ws://[fc00::1]/', 'private'],
  ['ws://[fd12:3456::1]/', 'private'],
  ['ws://[fec0::1]/', 'private'],
  // link-local
  ['ws://169.254.169.254/', 'link-local'],
  ['ws://[fe80::1]/', 'link-local'],
  ['ws://[febf::1]/', 'link-local'],
  // public, right beside the ranges above
  ['wss://tracker.example/', 'public'],
  ['wss://localhost.example/', 'public'],
  ['ws://172.15.255.255/', 'public'],
  ['ws://172.32.0.1/', 'public'],
  ['ws://100.63.255.255/', 'public'],
  ['ws://100.128.0.1/', 'public'],
  ['ws://169.253.1.1/', 'public'],
  ['ws://11.0.0.1/', 'public'],
  ['ws://126.255.255.255/', 'public'],
  ['ws://128.0.0.1/', 'public'],
  ['ws://[2001:db8::1]/', 'public'],
  ['ws://[fe00::1]/', 'public'],
  ['ws://[2002:c000:201::1]/', 'public'],
];

describe('urlClass', () => {
  it.each(CASES)('%s is %s', (url, expected) => {
    expect(urlClass(url)).toBe(expected);
  });

  it('is undefined for what is no URL', () => {
    expect(urlClass('not a url')).toBeUndefined();
    expect(urlClass('ws://1.2.3.4.5/')).toBeUndefined();
  });
});

describe('hostClass', () => {
  it('takes a bracketed host that is not in the parser form as this device, never as public', () => {
    expect(hostClass('[1:2:3]')).toBe('loopback');
    expect(hostClass('[::1::2]')).toBe('loopback');
    expect(hostClass('[xyz::1]')).toBe('loopback');
  });
});
