// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { torrentView } from '../testing/views';
import KeepOnline from './KeepOnline.svelte';

const GAVE_UP =
  'The keeper gave up: this share did not come, or came too slowly. Ask again while a tab shares it.';

/** A tracker with a keeper whose status of every share is `status`. */
function keeperAnswers(status: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      if (url === '/config.json')
        return Response.json({
          keeper: { hours: 24, quotaBytes: 1, perAddressBytes: 1, tokenRequired: false },
        });
      return Response.json(status);
    }),
  );
}

describe('KeepOnline', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('shows why the keeper gave a share up, forgets its stop token and offers to keep it again', async () => {
    const torrent = torrentView({ state: 'seeding' });
    const key = `swarmdrop-keep:${torrent.infoHashHex}`;
    localStorage.setItem(key, 'stop-token');
    keeperAnswers({ infoHash: torrent.infoHashHex, progress: 0, kept: false, expiresAt: 0, failed: GAVE_UP });
    render(KeepOnline, {
      torrent,
      actions: { torrentFileBytes: async () => new Uint8Array(), pieceBytes: async () => new Uint8Array() },
    });
    expect((await screen.findByRole('alert')).textContent).toBe(GAVE_UP);
    expect(localStorage.getItem(key)).toBeNull();
    expect(screen.getByRole('button', { name: 'Keep online for 24 hours' })).toBeTruthy();
  });
});
