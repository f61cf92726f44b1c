// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { torrentView } from '../testing/views';
import CopyLink from './CopyLink.svelte';

const KEY = 'A'.repeat(42) + 'E';

describe('CopyLink', () => {
  it('copies the share link: the app with the magnet link in its fragment, and says so', async () => {
    const user = userEvent.setup();
    const torrent = torrentView();
    render(CopyLink, { torrent });
    await user.click(screen.getByRole('button', { name: 'Copy share link' }));
    expect(await navigator.clipboard.readText()).toBe(
      `${location.origin}/#${encodeURIComponent(torrent.magnet)}`,
    );
    expect(screen.getByText(/Link copied/)).toBeTruthy();
  });

  it("puts a private share's key in the share link", async () => {
    const user = userEvent.setup();
    const torrent = torrentView({ shareKey: KEY });
    render(CopyLink, { torrent });
    await user.click(screen.getByRole('button', { name: 'Copy share link' }));
    expect(await navigator.clipboard.readText()).toBe(
      `${location.origin}/#${encodeURIComponent(torrent.magnet)}&k=${KEY}`,
    );
  });
});
