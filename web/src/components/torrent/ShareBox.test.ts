// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { torrentActions, torrentView } from '../testing/views';
import ShareBox from './ShareBox.svelte';

const KEY = 'A'.repeat(42) + 'E';

describe('ShareBox', () => {
  it('holds the magnet link in a read-only field', () => {
    const torrent = torrentView();
    render(ShareBox, { torrent, actions: torrentActions() });
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Magnet link' });
    expect(field.value).toBe(torrent.magnet);
    expect(field.readOnly).toBe(true);
  });

  it('copies the magnet link, and says so', async () => {
    const user = userEvent.setup();
    const torrent = torrentView();
    render(ShareBox, { torrent, actions: torrentActions() });
    await user.click(screen.getByRole('button', { name: 'Copy magnet link' }));
    expect(await navigator.clipboard.readText()).toBe(torrent.magnet);
    expect(screen.getByText('Copied to the clipboard')).toBeTruthy();
  });

  it('for a private share, puts the key in the share link and warns that the magnet link alone opens nothing', async () => {
    const user = userEvent.setup();
    const torrent = torrentView({ shareKey: KEY });
    render(ShareBox, { torrent, actions: torrentActions() });
    expect(screen.getByText(/Encrypted: the magnet link alone cannot open these files/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Copy magnet link' }));
    expect(screen.getByText(/send the share link, which holds the key/)).toBeTruthy();
  });

  it('offers a private share, once whole, its encrypted copy for a web server', async () => {
    const user = userEvent.setup();
    const actions = torrentActions();
    const name = 'Encrypted copy for a web server';
    const { rerender } = render(ShareBox, { torrent: torrentView({ shareKey: KEY, have: 3 }), actions });
    expect(screen.queryByRole('button', { name })).toBeNull();
    const whole = torrentView({ shareKey: KEY });
    await rerender({ torrent: { ...whole, have: whole.pieceCount }, actions });
    await user.click(screen.getByRole('button', { name }));
    expect(actions.saveEncryptedCopy).toHaveBeenCalledOnce();
    await rerender({ torrent: { ...torrentView(), have: whole.pieceCount }, actions });
    expect(screen.queryByRole('button', { name })).toBeNull();
  });

  it('shows no QR code of a share link whose key failed, and says why', () => {
    render(ShareBox, { torrent: torrentView({ shareKey: KEY }), actions: torrentActions(), failed: true });
    expect(screen.queryByRole('img', { name: /QR code/ })).toBeNull();
    expect(screen.getByText(/key does not open the files/)).toBeTruthy();
  });

  it('sends Download .torrent once the torrent has its metadata', async () => {
    const user = userEvent.setup();
    const actions = torrentActions();
    const torrent = torrentView();
    const { rerender } = render(ShareBox, { torrent: torrentView({ pieceCount: 0 }), actions });
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Download .torrent' });
    expect(button.disabled).toBe(true);
    await rerender({ torrent, actions });
    await user.click(button);
    expect(actions.saveTorrentFile).toHaveBeenCalledExactlyOnceWith(torrent);
  });
});
