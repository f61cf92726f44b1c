// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { TrackerStatus } from '../../lib/links/trackers';
import { peerRow, torrentActions, torrentView } from '../testing/views';
import SwarmDetails from './SwarmDetails.svelte';

describe('SwarmDetails', () => {
  it('sums up the swarm, closed, and shows its peers, pieces and speeds when opened', async () => {
    const user = userEvent.setup();
    const torrent = torrentView({ peers: 2, seeds: 1, peerStats: [peerRow(), peerRow({ peer: 'peer-2' })] });
    const { container } = render(SwarmDetails, {
      torrent,
      trackers: [],
      samples: [{ t: 0, down: 1024, up: 0 }],
      actions: torrentActions(),
    });
    const details = container.querySelector('details')!;
    expect(details.open).toBe(false);
    await user.click(screen.getByText('Details: links, QR code, peers and pieces'));
    expect(details.open).toBe(true);
    expect(screen.getByRole('heading', { name: 'Swarm: 2 peers, 1 seed' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Magnet link' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Download .torrent' })).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Peers' })).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByRole('img', { name: 'Piece map: 4 of 8 pieces' }).dataset.bitfield).toBe('11110000');
    expect(screen.getByRole('img', { name: 'Download and upload speed over time' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Trackers' })).toBeNull();
  });

  it('lists the web seeds with their state, what they sent and what went wrong', () => {
    const torrent = torrentView({
      webSeeds: [
        {
          url: 'https://files.example.org/x/',
          host: 'files.example.org',
          status: 'fetching',
          downloaded: 2048,
        },
        {
          url: 'http://m.example/',
          host: 'm.example',
          status: 'failed',
          downloaded: 0,
          problem: 'The server m.example does not let this site read it',
        },
      ],
    });
    render(SwarmDetails, { torrent, trackers: [], samples: [], actions: torrentActions() });
    const items = within(screen.getByRole('list', { name: 'Web seeds' })).getAllByRole('listitem');
    expect(items.map((item) => item.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'files.example.org fetching 2.00 KiB',
      'm.example failed 0 B The server m.example does not let this site read it',
    ]);
  });

  it('tells where to put the .torrent for the share link to start with nobody online', () => {
    const seed = {
      url: 'https://f.example/share/',
      host: 'f.example',
      status: 'idle' as const,
      downloaded: 0,
    };
    const xs = 'https://f.example/share/Photos%202024.torrent';
    const magnet = `magnet:?xt=urn:btih:${'ab'.repeat(20)}&ws=${encodeURIComponent(seed.url)}&xs=${encodeURIComponent(xs)}`;
    render(SwarmDetails, {
      torrent: torrentView({ webSeeds: [seed], magnet }),
      trackers: [],
      samples: [],
      actions: torrentActions(),
    });
    expect(
      screen.getByText(/For the share link to start while nobody who shares it is online/).textContent,
    ).toMatch(
      /put this torrent's \.torrent \(Download \.torrent\) on the server at https:\/\/f\.example\/share\/Photos%202024\.torrent\.$/,
    );
  });

  it('sends the most to fetch from web servers, in MiB, and no limit for an empty field', async () => {
    const user = userEvent.setup();
    const actions = torrentActions();
    const seed = { url: 'https://f.example/', host: 'f.example', status: 'idle' as const, downloaded: 0 };
    const torrent = torrentView({ webSeeds: [seed], webSeedBudget: 2 * 1024 * 1024 });
    render(SwarmDetails, { torrent, trackers: [], samples: [], actions });
    const field = screen.getByRole('textbox', { name: 'Most to fetch from web servers (MiB)' });
    expect((field as HTMLInputElement).value).toBe('2');
    await user.clear(field);
    await user.type(field, '0.5');
    await user.tab();
    expect(actions.setWebSeedBudget).toHaveBeenLastCalledWith(torrent, 512 * 1024);
    await user.clear(field);
    await user.tab();
    expect(actions.setWebSeedBudget).toHaveBeenLastCalledWith(torrent, null);
    await user.type(field, 'lots');
    await user.tab();
    expect(actions.setWebSeedBudget).toHaveBeenCalledTimes(2);
    expect(field.getAttribute('aria-invalid')).toBe('true');
  });

  it('lists each tracker with its state and the swarm it reported', () => {
    const trackers: TrackerStatus[] = [
      { url: 'wss://one.example', state: 'connected', complete: 1, incomplete: 3 },
      { url: 'wss://two.example', state: 'connecting' },
    ];
    render(SwarmDetails, {
      torrent: torrentView({ peers: 1, seeds: 0 }),
      trackers,
      samples: [],
      actions: torrentActions(),
    });
    expect(screen.getByText('Swarm: 1 peer, 0 seeds')).toBeTruthy();
    const heading = screen.getByRole('heading', { name: 'Trackers' });
    const items = within(heading.parentElement!).getAllByRole('listitem');
    expect(items.map((item) => item.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'wss://one.example connected 1 seeder, 3 leechers',
      'wss://two.example connecting',
    ]);
  });
});
