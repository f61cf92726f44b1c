// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { torrentActions, torrentView } from '../testing/views';
import TorrentControls from './TorrentControls.svelte';

describe('TorrentControls', () => {
  it('sends Pause for a running torrent, and Resume for a paused one', async () => {
    const user = userEvent.setup();
    const actions = torrentActions();
    const running = torrentView();
    const { rerender } = render(TorrentControls, { torrent: running, actions });
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(actions.pause).toHaveBeenCalledExactlyOnceWith(running);

    const paused = torrentView({ state: 'paused' });
    await rerender({ torrent: paused, actions });
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(actions.resume).toHaveBeenCalledExactlyOnceWith(paused);
  });

  it('offers no Pause to a torrent in error', () => {
    render(TorrentControls, {
      torrent: torrentView({ state: 'error', error: 'gone' }),
      actions: torrentActions(),
    });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Pause' }).disabled).toBe(true);
  });

  it('offers Resume sharing only when the shared files must be read again', async () => {
    const user = userEvent.setup();
    const actions = torrentActions();
    const { rerender } = render(TorrentControls, { torrent: torrentView({ inPlace: true }), actions });
    expect(screen.getByText(/Shared from your disk/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Resume sharing' })).toBeNull();
    const stopped = torrentView({ inPlace: true, resumeSharing: true });
    await rerender({ torrent: stopped, actions });
    await user.click(screen.getByRole('button', { name: 'Resume sharing' }));
    expect(actions.resumeSharing).toHaveBeenCalledExactlyOnceWith(stopped);
  });

  it('asks before it removes: Remove in the dialog sends the removal', async () => {
    const user = userEvent.setup();
    const actions = torrentActions();
    const torrent = torrentView();
    render(TorrentControls, { torrent, actions });
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    expect(actions.remove).not.toHaveBeenCalled();
    const dialog = screen.getByRole('dialog', { name: 'Remove holiday.mp4?' });
    expect(dialog.textContent).not.toContain('save what you need first');
    const [, confirm] = screen.getAllByRole('button', { name: 'Remove' });
    expect(dialog.contains(confirm)).toBe(true);
    await user.click(confirm);
    expect(actions.remove).toHaveBeenCalledExactlyOnceWith(torrent);
  });

  it('says to save finished files first, and Cancel closes the dialog without removing', async () => {
    const user = userEvent.setup();
    const actions = torrentActions();
    const torrent = torrentView({
      files: [{ index: 0, path: 'holiday.mp4', length: 10, complete: true, chosen: true }],
    });
    render(TorrentControls, { torrent, actions });
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    expect(screen.getByRole('dialog').textContent).toContain('(save what you need first)');
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    expect(document.activeElement).toBe(cancel);
    await user.click(cancel);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(actions.remove).not.toHaveBeenCalled();
  });
});
