import { afterEach, describe, expect, it, vi } from 'vitest';
import { askKeep, KEEP_RETRIES, keepLabel, keepWords, readKeeperInfo } from './keeper';

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
  it("says why the keeper gave a share up, in the keeper's words", () => {
    const failed = 'The keeper gave up: no one sent it this share for a minute.';
    expect(keepWords({ progress: 0, kept: false, expiresAt: 0, failed })).toBe(failed);
  });
  describe('asking to keep a share', () => {
    afterEach(() => vi.unstubAllGlobals());
    const answers = (statuses: number[]) => {
      const fetch = vi.fn(async () => {
        const status = statuses.shift() ?? 200;
        const body = status === 200 ? { ok: true, stopToken: 't' } : { error: 'not seen seeding' };
        return new Response(JSON.stringify(body), { status });
      });
      vi.stubGlobal('fetch', fetch);
      return fetch;
    };
    const noWait = () => Promise.resolve();

    it('asks again while the tracker has not yet seen this tab seed the share', async () => {
      const fetch = answers([409, 409, 200]);
      const answer = await askKeep('ab'.repeat(20), new Uint8Array([1, 2]), undefined, noWait);
      expect(answer).toMatchObject({ ok: true, stopToken: 't', status: 200 });
      expect(fetch).toHaveBeenCalledTimes(3);
    });
    it('gives up with the words after its retries, and never asks again after another refusal', async () => {
      const fetch = answers(Array<number>(KEEP_RETRIES + 5).fill(409));
      const answer = await askKeep('ab'.repeat(20), new Uint8Array([1]), 'x', noWait);
      expect(answer).toMatchObject({ error: 'not seen seeding', status: 409 });
      expect(fetch).toHaveBeenCalledTimes(KEEP_RETRIES + 1);
      const refused = answers([403]);
      expect(await askKeep('ab'.repeat(20), new Uint8Array([1]), 'x', noWait)).toMatchObject({ status: 403 });
      expect(refused).toHaveBeenCalledTimes(1);
    });
  });
});
