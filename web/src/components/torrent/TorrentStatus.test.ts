// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrackerStatus } from '../../lib/links/trackers';
import { peerIdRefusalWords } from '../../net/page/tracker-refusal';
import { torrentView } from '../testing/views';
import TorrentStatus from './TorrentStatus.svelte';

describe('TorrentStatus', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the name, the status, the progress and one sentence of a download', () => {
    render(TorrentStatus, { torrent: torrentView({ progress: 42.9 }), trackers: [] });
    expect(screen.getByRole('heading', { name: 'holiday.mp4' })).toBeTruthy();
    expect(screen.getByRole('status').textContent?.trim()).toBe('Downloading');
    const bar = screen.getByRole('progressbar', { name: 'Download progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('42');
    expect(screen.getByText('42% of 2.00 MiB done, from 1 person sharing it, 8 min 32 s left.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps the progress bar between 0 and 100, and says done once seeding', () => {
    render(TorrentStatus, { torrent: torrentView({ progress: 130, state: 'seeding' }), trackers: [] });
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByRole('status').textContent?.trim()).toBe('Seeding');
    expect(screen.getByText(/^Done: 2.00 MiB/)).toBeTruthy();
  });

  it('says when the web servers have sent what the budget allows, while the download goes on', async () => {
    const words = /Web servers have sent the most you allowed \(2\.00 MiB\); the rest comes from peers/;
    const spent = { webSeedBudget: 2 * 1024 * 1024, webSeedBudgetSpent: true as const };
    const { rerender } = render(TorrentStatus, { torrent: torrentView(spent), trackers: [] });
    expect(screen.getByText(words)).toBeTruthy();
    await rerender({ torrent: torrentView({ ...spent, state: 'seeding' }), trackers: [] });
    expect(screen.queryByText(words)).toBeNull();
  });

  it('says why the link’s .torrent did not come from the web server, while the file list is awaited', () => {
    const sourceProblem = 'x.torrent on files.example.org is not there (404)';
    render(TorrentStatus, {
      torrent: torrentView({ state: 'fetching-metadata', progress: 0, sourceProblem }),
      trackers: [],
    });
    expect(
      screen.getByText(
        'The file list could not be fetched from the web server: x.torrent on files.example.org is not there (404).',
      ),
    ).toBeTruthy();
  });

  it('says an error as an alert', () => {
    render(TorrentStatus, {
      torrent: torrentView({ state: 'error', error: 'quota exceeded' }),
      trackers: [],
    });
    expect(screen.getByRole('alert').textContent?.trim()).toBe('Error: quota exceeded');
  });

  it('says a share being hashed is being prepared, and looks for nobody yet', () => {
    const torrent = torrentView({ hashing: 0.375, state: 'fetching-metadata', files: [] });
    render(TorrentStatus, { torrent, trackers: [] });
    expect(screen.getByRole('status').textContent?.trim()).toBe('Preparing… 37%');
    expect(screen.getByRole('progressbar', { name: 'Hashing progress' }).getAttribute('aria-valuenow')).toBe(
      '37',
    );
    expect(screen.getByText('Preparing 2.00 MiB to share: 37% read.')).toBeTruthy();
    expect(screen.queryByText(/Looking for people/)).toBeNull();
  });

  it('says what to do when the relay does not answer and only the relay is allowed', () => {
    const torrent = torrentView({ unreachable: 'The relay server turn:relay.example did not answer' });
    render(TorrentStatus, { torrent, trackers: [], relayOnly: true });
    expect(screen.getByRole('alert').textContent).toMatch(/Untick “Connect through relay only”/);
  });

  it('does not say nobody shares it while people who share it are found and cannot be reached', () => {
    const torrent = torrentView({
      state: 'fetching-metadata',
      length: 0,
      pieceCount: 0,
      unreachable: 'The relay server turn:relay.example did not answer',
    });
    render(TorrentStatus, { torrent, trackers: [], relayOnly: true });
    expect(screen.queryByText(/nobody shares it/)).toBeNull();
    expect(screen.getByText(/Reaching the people who share it/).textContent).toMatch(
      /until one is\s+reached/,
    );
  });

  it('counts the wait for metadata every second, with an unknown size', async () => {
    vi.useFakeTimers({ now: 100_000 });
    render(TorrentStatus, {
      torrent: torrentView({ state: 'fetching-metadata', length: 0, pieceCount: 0, addedAt: 90_000 }),
      trackers: [],
    });
    expect(screen.getByRole('status').textContent?.trim()).toBe('Fetching metadata');
    expect(screen.getByText(/Looking for people/).textContent).toContain('(for 10 s)');
    vi.advanceTimersByTime(3000);
    await tick();
    expect(screen.getByText(/Looking for people/).textContent).toContain('(for 13 s)');
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
