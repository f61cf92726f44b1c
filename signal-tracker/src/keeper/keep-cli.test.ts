import { describe, expect, it } from 'vitest';
import { keeperStartLine, parseHours, parseSize, readKeeper } from './keep-cli';

const given =
  (values: Record<string, string>) =>
  (flag: string): { text: string; source: string } | null =>
    flag in values ? { text: values[flag], source: `--${flag}` } : null;

describe('the keeper flags', () => {
  it('reads sizes with units of 1024', () => {
    expect(parseSize('500M', '--keep-quota')).toBe(500 * 2 ** 20);
    expect(parseSize('2G', '--keep-quota')).toBe(2 * 2 ** 30);
    expect(parseSize('1.5KiB', '--keep-quota')).toBe(1536);
    expect(() => parseSize('lots', '--keep-quota')).toThrow(
      'invalid size "lots" (--keep-quota): e.g. 500M or 20G',
    );
  });
  it('reads hours, fractions allowed', () => {
    expect(parseHours('0.5', '--keep-hours')).toBe(0.5);
    expect(() => parseHours('0', '--keep-hours')).toThrow('invalid hours "0" (--keep-hours)');
  });
  it('is off without --keep-dir, and its other flags need it', () => {
    expect(readKeeper(given({}))).toBeUndefined();
    expect(() => readKeeper(given({ 'keep-hours': '2' }))).toThrow(
      '--keep-hours needs --keep-dir (or KEEP_DIR)',
    );
    expect(readKeeper(given({ 'keep-dir': '/srv/keep', 'keep-token': 't' }))).toEqual({
      folder: '/srv/keep',
      limits: { quotaBytes: 10 * 2 ** 30, perAddressBytes: 2 * 2 ** 30, hours: 24, token: 't' },
    });
  });
  it('prints a start line with the folder, the quotas, the hours and who may ask', () => {
    const open = readKeeper(given({ 'keep-dir': '/srv/keep', 'keep-quota': '20G', 'keep-hours': '6' }))!;
    expect(keeperStartLine(open)).toBe(
      'signal-tracker: keeper on: shares kept in /srv/keep, 20.0 GB in all, 2.0 GB per address, each for 6 h, ' +
        'for anyone who asks (no --keep-token)',
    );
    const closed = readKeeper(given({ 'keep-dir': '/srv/keep', 'keep-token': 'secret' }))!;
    expect(keeperStartLine(closed)).toMatch(/only for requests carrying the keep token$/);
    expect(keeperStartLine(closed)).not.toContain('secret');
  });
});
