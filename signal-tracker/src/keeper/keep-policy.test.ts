import { describe, expect, it } from 'vitest';
import { keepRefusal, type KeepRecord, type KeeperLimits } from './keep-policy';

const MB = 1024 * 1024;
const limits: KeeperLimits = { quotaBytes: 100 * MB, perAddressBytes: 40 * MB, hours: 24 };
const record = (infoHash: string, length: number, address: string): KeepRecord => ({
  infoHash,
  length,
  address,
  expiresAt: 0,
  stopToken: 't',
});
const ask = (length: number, address = 'a', token?: string) => ({ infoHash: 'ff', length, address, token });

describe('keepRefusal', () => {
  it('takes a share within every limit', () => {
    expect(keepRefusal(ask(10 * MB), [record('01', 20 * MB, 'a')], limits)).toBeUndefined();
  });
  it('refuses without the token, in words', () => {
    expect(keepRefusal(ask(1), [], { ...limits, token: 's' })).toBe(
      'This keeper only keeps shares for people who have its token.',
    );
    expect(keepRefusal(ask(1, 'a', 's'), [], { ...limits, token: 's' })).toBeUndefined();
  });
  it('refuses a share larger than one address may keep', () => {
    expect(keepRefusal(ask(50 * MB), [], limits)).toBe(
      'This share is 50.0 MB; the keeper keeps shares of at most 40.0 MB.',
    );
  });
  it('refuses past the quota and past an address share', () => {
    const kept = [record('01', 35 * MB, 'b'), record('02', 35 * MB, 'c'), record('03', 25 * MB, 'a')];
    expect(keepRefusal(ask(10 * MB, 'd'), kept, limits)).toBe(
      'The keeper is full: it has 5.0 MB free and this share is 10.0 MB.',
    );
    expect(keepRefusal(ask(20 * MB), kept.slice(2), limits)).toBe(
      'The keeper already keeps 25.0 MB for your address, of at most 40.0 MB.',
    );
  });
  it('refuses a share its disk has no room for, within the quotas', () => {
    expect(keepRefusal(ask(10 * MB), [], limits, 9 * MB)).toBe(
      "The keeper's disk is full: it has 9.0 MB free and this share is 10.0 MB.",
    );
    expect(keepRefusal(ask(10 * MB), [], limits, -MB)).toBe(
      "The keeper's disk is full: it has 0 KB free and this share is 10.0 MB.",
    );
    expect(keepRefusal(ask(10 * MB), [], limits, 10 * MB)).toBeUndefined();
  });
  it('refuses a share it already keeps', () => {
    expect(keepRefusal(ask(1), [record('ff', 1, 'b')], limits)).toBe('The keeper already keeps this share.');
  });
});
