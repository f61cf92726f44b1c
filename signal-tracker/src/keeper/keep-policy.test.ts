import { describe, expect, it } from 'vitest';
import {
  keepRefusal,
  tokenRefusal,
  MAX_SHARES,
  MAX_SHARES_PER_ADDRESS,
  type KeepRecord,
  type KeeperLimits,
} from './keep-policy';

const MB = 1024 * 1024;
const limits: KeeperLimits = { quotaBytes: 100 * MB, perAddressBytes: 40 * MB, hours: 24 };
const record = (infoHash: string, length: number, address: string): KeepRecord => ({
  infoHash,
  length,
  requester: address,
  expiresAt: 0,
  stopToken: 't',
});
const ask = (footprint: number, address = 'a', token?: string) => ({
  infoHash: 'ff',
  footprint,
  requester: address,
  token,
});

describe('keepRefusal', () => {
  it('takes a share within every limit', () => {
    expect(keepRefusal(ask(10 * MB), [record('01', 20 * MB, 'a')], limits)).toBeUndefined();
  });
  it('refuses a request without the token of the keeper, whatever it asks', () => {
    expect(tokenRefusal(undefined, { ...limits, token: 's' })).toBe(
      'This keeper only keeps shares for people who have its token.',
    );
    expect(tokenRefusal('t', { ...limits, token: 's' })).toBeDefined();
    expect(tokenRefusal('s', { ...limits, token: 's' })).toBeUndefined();
    expect(tokenRefusal(undefined, limits)).toBeUndefined();
  });

  it('refuses without the token, in words', () => {
    expect(keepRefusal(ask(1), [], { ...limits, token: 's' })).toBe(
      'This keeper only keeps shares for people who have its token.',
    );
    expect(keepRefusal(ask(1, 'a', 's'), [], { ...limits, token: 's' })).toBeUndefined();
  });
  it('refuses a share larger than one address may keep', () => {
    expect(keepRefusal(ask(50 * MB), [], limits)).toBe(
      'This share takes 50.0 MB; the keeper keeps shares of at most 40.0 MB.',
    );
  });
  it('refuses past the quota and past an address share', () => {
    const kept = [record('01', 35 * MB, 'b'), record('02', 35 * MB, 'c'), record('03', 25 * MB, 'a')];
    expect(keepRefusal(ask(10 * MB, 'd'), kept, limits)).toBe(
      'The keeper is full: it has 5.0 MB free and this share takes 10.0 MB.',
    );
    expect(keepRefusal(ask(20 * MB), kept.slice(2), limits)).toBe(
      'The keeper already keeps 25.0 MB for your address, of at most 40.0 MB.',
    );
  });
  it('refuses a share its disk has no room for, within the quotas', () => {
    expect(keepRefusal(ask(10 * MB), [], limits, 9 * MB)).toBe(
      "The keeper's disk is full: it has 9.0 MB free and this share takes 10.0 MB.",
    );
    expect(keepRefusal(ask(10 * MB), [], limits, -MB)).toBe(
      "The keeper's disk is full: it has 0 KB free and this share takes 10.0 MB.",
    );
    expect(keepRefusal(ask(10 * MB), [], limits, 10 * MB)).toBeUndefined();
  });
  it('refuses a share it already keeps', () => {
    expect(keepRefusal(ask(1), [record('ff', 1, 'b')], limits)).toBe('The keeper already keeps this share.');
  });
  it('counts what a share takes on disk, not its length, when its record says it', () => {
    const padded = { ...record('01', 1, 'b'), footprint: 99 * MB };
    expect(keepRefusal(ask(2 * MB, 'd'), [padded], limits)).toBe(
      'The keeper is full: it has 1.0 MB free and this share takes 2.0 MB.',
    );
  });
  it('refuses past the shares one address may keep, and takes another address', () => {
    const kept = Array.from({ length: MAX_SHARES_PER_ADDRESS }, (_, i) => record(`k${i}`, 1, 'a'));
    expect(keepRefusal(ask(1), kept, limits)).toBe(
      `The keeper already keeps ${MAX_SHARES_PER_ADDRESS} shares for your address, its most for one address.`,
    );
    expect(keepRefusal(ask(1, 'b'), kept, limits)).toBeUndefined();
    expect(keepRefusal(ask(1), kept.slice(1), limits)).toBeUndefined();
  });
  it('refuses past the shares it keeps in all, whoever asks', () => {
    const kept = Array.from({ length: MAX_SHARES }, (_, i) => record(`k${i}`, 1, `address ${i}`));
    expect(keepRefusal(ask(1, 'new'), kept, limits)).toBe(
      `The keeper is full: it keeps ${MAX_SHARES} shares, its most.`,
    );
    expect(keepRefusal(ask(1, 'new'), kept.slice(1), limits)).toBeUndefined();
    expect(keepRefusal(ask(1, 'new'), kept.slice(0, 3), { ...limits, maxShares: 3 })).toBe(
      'The keeper is full: it keeps 3 shares, its most.',
    );
  });
});
