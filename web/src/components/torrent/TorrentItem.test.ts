// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import TorrentItem from './TorrentItem.svelte';
import { INFO_HASH, torrentActions, torrentView } from '../testing/views';

const props = (torrent = torrentView()) => ({
  torrent,
  trackers: [],
  samples: [],
  streams: false,
  canSaveToFolder: false,
  actions: torrentActions(),
});

describe('TorrentItem', () => {
  // The card's keeper row asks its tracker for /config.json; here the tracker runs no keeper (its config names none,
  // as one started without --keep-dir answers), so the row stays empty and no request leaves the process.
  beforeAll(() => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ iceServers: [] })),
    );
  });
  afterAll(() => vi.unstubAllGlobals());

  it('is a list item named for the torrent, carrying its figures for the tests and the bench', () => {
    render(TorrentItem, props(torrentView({ sessionDownloaded: 512, uploaded: 64 })));
    const item = screen.getByRole('listitem', { name: 'holiday.mp4' });
    expect({ ...item.dataset }).toEqual({
      infohash: INFO_HASH,
      state: 'downloading',
      have: '4',
      pieces: '8',
      length: String(2 * 1024 * 1024),
      downloaded: String(1024 * 1024),
      sessionDownloaded: '512',
      uploaded: '64',
      peers: '1',
    });
  });

  it('shows its status, share box, files, controls and swarm', () => {
    render(TorrentItem, props());
    const item = screen.getByRole('listitem', { name: 'holiday.mp4' });
    const card = within(item);
    expect(card.getByRole('progressbar', { name: 'Download progress' })).toBeTruthy();
    expect(card.getByRole('textbox', { name: 'Magnet link' })).toBeTruthy();
    expect(card.getByRole('button', { name: 'Save holiday.mp4' })).toBeTruthy();
    expect(card.getByRole('button', { name: 'Remove' })).toBeTruthy();
    expect(card.getByRole('button', { name: 'Copy share link' })).toBeTruthy();
    expect(card.getByText('Details: links, QR code, peers and pieces')).toBeTruthy();
    expect(card.getByText('Swarm: 1 peer, 1 seed')).toBeTruthy();
  });

  it('shows only its status while its share is hashed', () => {
    render(TorrentItem, props(torrentView({ hashing: 0.5 })));
    const card = within(screen.getByRole('listitem', { name: 'holiday.mp4' }));
    expect(card.getByRole('progressbar', { name: 'Hashing progress' })).toBeTruthy();
    expect(card.queryByRole('textbox', { name: 'Magnet link' })).toBeNull();
    expect(card.queryByRole('button')).toBeNull();
  });

  it('comes into view with the focus on it when spotlit, and says the note', () => {
    const scrolled = vi.fn();
    HTMLElement.prototype.scrollIntoView = scrolled;
    render(TorrentItem, { ...props(), spotlight: { note: 'Already in your list', seq: 1 } });
    const item = screen.getByRole('listitem', { name: 'holiday.mp4' });
    expect(document.activeElement).toBe(item);
    expect(scrolled).toHaveBeenCalledOnce();
    expect(within(item).getByText('Already in your list')).toBeTruthy();
  });

  it('puts the focus on Copy share link when a share just made is spotlit', () => {
    HTMLElement.prototype.scrollIntoView = vi.fn();
    render(TorrentItem, {
      ...props(torrentView({ state: 'seeding' })),
      spotlight: { seq: 1, focus: 'copy-link' as const },
    });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Copy share link' }));
  });

  it('marks a share link whose key failed, and offers no share link of it', () => {
    const torrent = torrentView({
      state: 'error',
      error: "This link's key does not open these files",
      shareKey: 'k',
    });
    render(TorrentItem, props(torrent));
    expect(screen.getByText(/This share link did not work/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Copy share link' })).toBeNull();
  });

  it('says a private share opened by its magnet link alone needs the share link, and offers no save', () => {
    render(TorrentItem, props(torrentView({ name: 'private share', state: 'seeding' })));
    expect(screen.getByRole('alert').textContent).toMatch(/Ask the sender for\s+the share link/);
    expect(screen.queryByRole('button', { name: /^Save/ })).toBeNull();
  });

  it('shows no file list before the metadata names the files', () => {
    render(TorrentItem, props(torrentView({ state: 'fetching-metadata', files: [] })));
    expect(screen.queryByRole('list', { name: 'Files' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Remove' })).toBeTruthy();
  });
});
