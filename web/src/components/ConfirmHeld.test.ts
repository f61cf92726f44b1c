// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { HeldLaunches } from '../app/held.svelte';
import ConfirmHeld from './ConfirmHeld.svelte';

const files = [new File(['a'.repeat(1536)], 'photo.jpg'), new File(['b'], 'note\u202Etxt.exe')];
const props = (overrides = {}) => ({
  title: 'Share 2 files?',
  files,
  confirmLabel: 'Share',
  encrypt: true,
  onconfirm: vi.fn(),
  oncancel: vi.fn(),
  ...overrides,
});
/** The dialog's words under its list, in one line. */
const facts = () => document.querySelector('.facts')?.textContent?.replace(/\s+/g, ' ').trim();

describe('ConfirmHeld', () => {
  it('names each file and its size, and the user’s encryption setting, with Share in focus', () => {
    render(ConfirmHeld, props());
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Share 2 files?');
    const items = within(screen.getByRole('list', { name: 'Files' })).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      'photo.jpg (1.50 KiB)',
      'note[U+202E]txt.exe (1 B)',
    ]);
    expect(facts()).toBe(
      '1.50 KiB in 2 files. Encrypted: only people with the share link can open the files (your setting “Encrypt for people with the link”).',
    );
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Share' }));
  });

  it('says a share is not encrypted when the setting is off, and leaves it out for .torrent files', () => {
    const { unmount } = render(ConfirmHeld, props({ encrypt: false }));
    expect(facts()).toMatch(/Not encrypted: anyone/);
    unmount();
    render(ConfirmHeld, props({ encrypt: undefined, confirmLabel: 'Open' }));
    expect(facts()).toBe('1.50 KiB in 2 files.');
    expect(screen.getByRole('button', { name: 'Open' })).toBeTruthy();
  });

  it('calls the confirmation on its button and the cancellation on Cancel', async () => {
    const shown = props();
    render(ConfirmHeld, shown);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(shown.oncancel).toHaveBeenCalledOnce();
    expect(shown.onconfirm).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(shown.onconfirm).toHaveBeenCalledOnce();
  });

  it('says in words why nothing was held, with no Share', () => {
    render(ConfirmHeld, props({ files: [], refused: '101 files were shared: at most 100 at once.' }));
    expect(screen.getByRole('heading').textContent).toBe('Nothing was shared');
    expect(screen.getByRole('alert').textContent).toBe('101 files were shared: at most 100 at once.');
    expect(screen.queryByRole('button', { name: 'Share' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Close' })).toBeTruthy();
  });
});

describe('HeldLaunches', () => {
  const actions = () => ({
    share: vi.fn(async () => undefined),
    openTorrentFile: vi.fn(async () => undefined),
  });

  it('shares the held files only on Share, with no encryption choice of its own', async () => {
    const app = actions();
    const held = new HeldLaunches(app);
    held.holdShare({ files, at: 1 });
    expect(app.share).not.toHaveBeenCalled();
    await held.confirmShare();
    expect(app.share).toHaveBeenCalledWith(files.map((file) => ({ file, relativePath: file.name })));
    expect(held.share).toBeNull();
  });

  it('drops the held files on Cancel, and shares nothing of a refused share', async () => {
    const app = actions();
    const held = new HeldLaunches(app);
    held.holdShare({ files, at: 1 });
    held.cancelShare();
    await held.confirmShare();
    held.holdShare({ files: [], at: 1, refused: 'too many' });
    await held.confirmShare();
    expect(app.share).not.toHaveBeenCalled();
  });

  it('opens the held .torrent files only on Open, and none after Cancel', async () => {
    const app = actions();
    const held = new HeldLaunches(app);
    const torrent = new File(['d4:infoe'], 'a.torrent');
    held.holdTorrentFile(torrent);
    held.cancelTorrents();
    await held.confirmTorrents();
    expect(app.openTorrentFile).not.toHaveBeenCalled();
    held.holdTorrentFile(torrent);
    await held.confirmTorrents();
    expect(app.openTorrentFile).toHaveBeenCalledWith(torrent);
    expect(held.torrentFiles).toEqual([]);
  });
});
