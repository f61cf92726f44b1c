import { afterEach, describe, expect, it, vi } from 'vitest';
import { askKeep, keepLabel, keepWords, PROOF_ROUNDS, readKeeperInfo } from './keeper';

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
    const HASH = 'ab'.repeat(20);
    const challenge = { nonce: '7.abc', piece: 2 };
    /** The keeper's answers in turn: a challenge (428), a refusal (403) or the keep (200). */
    const answers = (statuses: number[]) => {
      const fetch = vi.fn(async (_path: string, _init: RequestInit) => {
        const status = statuses.shift() ?? 200;
        const body =
          status === 200
            ? { ok: true, stopToken: 't' }
            : status === 428
              ? { ok: false, error: 'send the piece', challenge }
              : { ok: false, error: 'no' };
        return new Response(JSON.stringify(body), { status });
      });
      vi.stubGlobal('fetch', fetch);
      return fetch;
    };
    const sent = (fetch: ReturnType<typeof answers>, call: number) =>
      JSON.parse(String(fetch.mock.calls[call][1].body)) as Record<string, unknown>;

    it('answers the challenge with the bytes of the piece it names, read from the engine', async () => {
      const fetch = answers([428, 200]);
      const read = vi.fn(async (index: number) => new Uint8Array([index, 1, 2]));
      const answer = await askKeep(HASH, new Uint8Array([1, 2]), 'x', read);
      expect(answer).toMatchObject({ ok: true, stopToken: 't', status: 200 });
      expect(read).toHaveBeenCalledWith(2);
      expect(sent(fetch, 0).proof).toBeUndefined();
      expect(sent(fetch, 1)).toMatchObject({
        infoHash: HASH,
        token: 'x',
        proof: { nonce: '7.abc', piece: 2, bytes: btoa(String.fromCharCode(2, 1, 2)) },
      });
    });
    it('answers a fresh challenge at most PROOF_ROUNDS times, and a refusal never', async () => {
      const fetch = answers(Array<number>(PROOF_ROUNDS + 3).fill(428));
      const answer = await askKeep(HASH, new Uint8Array([1]), undefined, async () => new Uint8Array(1));
      expect(answer).toMatchObject({ status: 428, error: 'send the piece' });
      expect(fetch).toHaveBeenCalledTimes(PROOF_ROUNDS + 1);
      const refused = answers([403]);
      expect(await askKeep(HASH, new Uint8Array([1]), 'x', async () => new Uint8Array(1))).toMatchObject({
        status: 403,
      });
      expect(refused).toHaveBeenCalledTimes(1);
    });
    it('says so in words when the piece cannot be read, and sends no proof', async () => {
      const fetch = answers([428]);
      const answer = await askKeep(HASH, new Uint8Array([1]), undefined, () =>
        Promise.reject(new Error('gone')),
      );
      expect(answer.ok).toBe(false);
      expect(answer.error).toMatch(/could not read the piece/);
      expect(fetch).toHaveBeenCalledTimes(1);
    });
  });
});
