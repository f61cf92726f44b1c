import { describe, expect, it } from 'vitest';
import { keepLabel, keepWords, readKeeperInfo } from './keeper';

describe('the keeper in the page', () => {
  it('reads the keeper of /config.json, or none', () => {
    expect(readKeeperInfo({ iceServers: [] })).toBeUndefined();
    expect(
      readKeeperInfo({ keeper: { hours: 24, quotaBytes: 10, perAddressBytes: 5, tokenRequired: true } }),
    ).toEqual({ hours: 24, quotaBytes: 10, perAddressBytes: 5, tokenRequired: true });
  });
  it('says how long a share is kept', () => {
    expect(keepLabel(24)).toBe('Keep online for 24 hours');
    expect(keepLabel(1)).toBe('Keep online for 1 hour');
    expect(keepLabel(0.25)).toBe('Keep online for 15 minutes');
  });
  it('says how far the keeper is, then until when the share is kept', () => {
    expect(keepWords({ progress: 0.4, kept: false, expiresAt: 0 })).toBe('Uploading to the keeper: 40 %');
    const expiresAt = Date.UTC(2026, 0, 1, 14, 30);
    expect(keepWords({ progress: 1, kept: true, expiresAt }, 'UTC')).toBe(
      'Kept online until 14:30: this tab can close',
    );
  });
});
