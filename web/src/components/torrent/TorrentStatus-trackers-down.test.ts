// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { TrackerStatus } from '../../lib/links/trackers';
import { torrentView } from '../testing/views';
import TorrentStatus from './TorrentStatus.svelte';

const down: TrackerStatus = {
  url: 'wss://tracker.example/',
  state: 'unreachable',
  message: 'tracker unreachable',
};

describe('TorrentStatus when every tracker is down', () => {
  it('says it goes on meeting people through its neighbours, and says nothing while a tracker answers', async () => {
    const { rerender } = render(TorrentStatus, { torrent: torrentView({ neighbours: 3 }), trackers: [down] });
    expect(
      screen.getByText(/Its tracker is down: it goes on meeting people through the 3 connected peers/),
    ).toBeTruthy();
    await rerender({ torrent: torrentView({}), trackers: [down] });
    expect(screen.getByText(/nobody new can be met until a tracker is back/)).toBeTruthy();
    await rerender({ torrent: torrentView({ neighbours: 3 }), trackers: [{ ...down, state: 'connected' }] });
    expect(screen.queryByText(/tracker is down/)).toBeNull();
  });
});
