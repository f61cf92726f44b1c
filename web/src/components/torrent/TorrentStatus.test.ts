// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrackerStatus } from '../../lib/links/trackers';
import { peerIdRefusalWords } from '../../net/tracker-refusal';
import { torrentView } from '../testing/views';
import TorrentStatus from './TorrentStatus.svelte';

/** The figure shown under a term of the numbers list (`Done`, `Down`...). */
const figure = (term: string) => screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;

describe('TorrentStatus', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the name, the status, the progress and the figures of a download', () => {
    render(TorrentStatus, { torrent: torrentView({ progress: 42.9 }), trackers: [] });
    expect(screen.getByRole('heading', { name: 'holiday.mp4' })).toBeTruthy();
    expect(screen.getByRole('status').textContent?.trim()).toBe('Downloading');
    const bar = screen.getByRole('progressbar', { name: 'Download progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('42');
    expect(figure('Size')).toBe('2.00 MiB');
    expect(figure('Done')).toBe('42%');
    expect(figure('Down')).toBe('2.00 KiB/s');
    expect(figure('Peers')).toBe('1');
    expect(figure('Time left')).toBe('8 min 32 s');
    expect(figure('Received')).toBe('1.00 MiB');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps the progress bar between 0 and 100, and no time left once seeding', () => {
    render(TorrentStatus, { torrent: torrentView({ progress: 130, state: 'seeding' }), trackers: [] });
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByRole('status').textContent?.trim()).toBe('Seeding');
    expect(figure('Time left')).toBe('–');
  });

  it('says an error as an alert', () => {
    render(TorrentStatus, {
      torrent: torrentView({ state: 'error', error: 'quota exceeded' }),
      trackers: [],
    });
    expect(screen.getByRole('alert').textContent?.trim()).toBe('Error: quota exceeded');
  });

  it('shows a share being hashed by its hashing progress, without the transfer figures', () => {
    render(TorrentStatus, { torrent: torrentView({ hashing: 0.375 }), trackers: [] });
    expect(screen.getByRole('status').textContent?.trim()).toBe('Hashing 37%');
    expect(screen.getByRole('progressbar', { name: 'Hashing progress' }).getAttribute('aria-valuenow')).toBe(
      '37',
    );
    expect(figure('Size')).toBe('2.00 MiB');
    expect(screen.queryByText('Done')).toBeNull();
  });

  it('counts the wait for metadata every second, with an unknown size', async () => {
    vi.useFakeTimers({ now: 100_000 });
    render(TorrentStatus, {
      torrent: torrentView({ state: 'fetching-metadata', length: 0, pieceCount: 0, addedAt: 90_000 }),
      trackers: [],
    });
    expect(screen.getByRole('status').textContent?.trim()).toBe('Fetching metadata');
    expect(figure('Size')).toBe('unknown yet');
    expect(screen.getByText(/Looking for peers/).textContent).toContain('(for 10 s)');
    vi.advanceTimersByTime(3000);
    await tick();
    expect(screen.getByText(/Looking for peers/).textContent).toContain('(for 13 s)');
  });

  it('warns of unreachable peers and of each tracker that fails, and of no other', () => {
    const trackers: TrackerStatus[] = [
      { url: 'wss://up.example', state: 'connected' },
      { url: 'wss://down.example', state: 'unreachable' },
      { url: 'wss://refusing.example', state: 'failure', message: 'torrent not allowed' },
      { url: 'wss://squatted.example', state: 'failure', message: peerIdRefusalWords(false) },
    ];
    render(TorrentStatus, {
      torrent: torrentView({ unreachable: '2 peers found, none could be reached' }),
      trackers,
    });
    const alerts = screen
      .getAllByRole('alert')
      .map((alert) => alert.textContent?.replace(/\s+/g, ' ').trim());
    expect(alerts).toEqual([
      '2 peers found, none could be reached',
      'Tracker wss://down.example: unreachable',
      'Tracker wss://refusing.example refused this torrent: torrent not allowed',
      `Tracker wss://squatted.example refused this torrent: ${peerIdRefusalWords(false)}`,
    ]);
  });

  it("says nobody connected has the rest as a status, beside the torrent's own", () => {
    const stalled = 'Waiting for someone who has the rest: nobody connected has the missing 80 %';
    render(TorrentStatus, { torrent: torrentView({ state: 'downloading', stalled }), trackers: [] });
    const statuses = screen.getAllByRole('status').map((status) => status.textContent?.trim());
    expect(statuses).toContain(stalled);
    expect(screen.queryAllByRole('alert')).toEqual([]);
  });
});
