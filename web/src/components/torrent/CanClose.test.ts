// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { torrentActions, torrentView } from '../testing/views';
import CanClose from './CanClose.svelte';
import TorrentItem from './TorrentItem.svelte';

const CAN_CLOSE = 'You can close this tab: the others hold every piece';

describe('CanClose', () => {
  it('says the tab can close while the others hold every piece of a share it seeds, and takes it back', async () => {
    const { rerender } = render(CanClose, { torrent: torrentView({ state: 'seeding' }) });
    expect(screen.queryByText(CAN_CLOSE)).toBeNull();
    await rerender({ torrent: torrentView({ state: 'seeding', othersHoldEvery: true }) });
    expect(screen.getByRole('status').textContent).toBe(CAN_CLOSE);
    await rerender({ torrent: torrentView({ state: 'seeding' }) });
    expect(screen.queryByText(CAN_CLOSE)).toBeNull();
  });

  it('says nothing on a download, whoever holds the pieces', () => {
    render(CanClose, { torrent: torrentView({ state: 'downloading', othersHoldEvery: true }) });
    expect(screen.queryByText(CAN_CLOSE)).toBeNull();
  });
});

/** A tracker with a keeper whose status of the share is whatever `status.now` is when asked. */
function keeperAnswers(status: { now: unknown }) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      if (url === '/config.json')
        return Response.json({
          keeper: { hours: 24, quotaBytes: 1, perAddressBytes: 1, tokenRequired: false },
        });
      return Response.json(status.now);
    }),
  );
}

describe('the card and the keeper agree', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('says the tab can close once the keeper holds every piece, and takes it back when the keeper gives up', async () => {
    const torrent = torrentView({ state: 'seeding' });
    localStorage.setItem(`swarmdrop-keep:${torrent.infoHashHex}`, 'stop-token');
    const status = { now: { progress: 0.5, kept: false, expiresAt: 0 } as unknown };
    keeperAnswers(status);
    const props = { torrent, trackers: [], samples: [], streams: false, canSaveToFolder: false };
    render(TorrentItem, { ...props, actions: torrentActions() });
    await screen.findByText('Uploading to the keeper: 50 %');
    expect(screen.queryByText(CAN_CLOSE)).toBeNull();
    status.now = { progress: 1, kept: true, expiresAt: Date.now() + 3_600_000 };
    // The keeper is asked again each second.
    await screen.findByText(/^Kept online until .*: this tab can close$/, {}, { timeout: 5_000 });
    expect(screen.getByText(CAN_CLOSE)).toBeTruthy();
    status.now = { progress: 1, kept: false, expiresAt: 0, failed: 'The keeper gave up.' };
    await waitFor(() => expect(screen.queryByText(CAN_CLOSE)).toBeNull(), { timeout: 5_000 });
  });
});
