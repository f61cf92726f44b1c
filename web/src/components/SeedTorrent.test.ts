// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { PickedFile } from '../lib/files/share-input';
import SeedTorrent from './SeedTorrent.svelte';

const props = (overrides: Partial<Record<string, unknown>> = {}) => ({
  torrentName: undefined,
  checking: false,
  error: undefined,
  canSeedInPlace: false,
  canSeedFolderInPlace: false,
  ontorrent: vi.fn<(file: File) => Promise<void>>(async () => undefined),
  onfiles: vi.fn<(picked: PickedFile[], from: 'folder' | 'files') => Promise<void>>(async () => undefined),
  oninplace: vi.fn<(from: 'folder' | 'files') => Promise<void>>(async () => undefined),
  ...overrides,
});

describe('SeedTorrent', () => {
  it('sends the .torrent picked in Torrent to seed', async () => {
    const user = userEvent.setup();
    const setup = props();
    render(SeedTorrent, setup);
    const file = new File(['d4:infoe'], 'trip.torrent');
    const input = screen.getByLabelText<HTMLInputElement>('Torrent to seed');
    await user.upload(input, file);
    expect(setup.ontorrent).toHaveBeenCalledExactlyOnceWith(file);
    expect(input.value).toBe('');
  });

  it('sends the files picked to seed it from, and from which input', async () => {
    const user = userEvent.setup();
    const setup = props({ torrentName: 'trip' });
    render(SeedTorrent, setup);
    expect(screen.getByText('trip: now choose its folder or files.')).toBeTruthy();
    const notes = new File(['n'], 'notes.txt');
    await user.upload(screen.getByLabelText('Files to seed it from'), [notes]);
    await user.upload(screen.getByLabelText('Folder to seed it from'), [notes]);
    expect(setup.onfiles.mock.calls).toEqual([
      [[{ file: notes, relativePath: 'notes.txt' }], 'files'],
      [[{ file: notes, relativePath: 'notes.txt' }], 'folder'],
    ]);
  });

  it('says while the files are checked, and shows an error as an alert', () => {
    render(SeedTorrent, props({ torrentName: 'trip', checking: true, error: 'Piece 3 does not match' }));
    expect(screen.getByText('Checking the files of trip…')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Piece 3 does not match');
    expect(screen.getByLabelText('Torrent to seed').getAttribute('aria-describedby')).toBe('seed-error');
  });

  it('reads the files in place where the browser can, unless copies are asked for: one way to choose them', async () => {
    const user = userEvent.setup();
    const setup = props({ canSeedInPlace: true, canSeedFolderInPlace: true });
    const { rerender } = render(SeedTorrent, setup);
    expect(screen.queryByRole('button', { name: /without copying/ })).toBeNull();
    await user.click(screen.getByLabelText('Folder to seed it from'));
    await user.click(screen.getByLabelText('Files to seed it from'));
    expect(setup.oninplace.mock.calls).toEqual([['folder'], ['files']]);
    const copying = props({ canSeedInPlace: true, canSeedFolderInPlace: true, copyShares: true });
    await rerender(copying);
    await user.click(screen.getByLabelText('Files to seed it from'));
    expect(copying.oninplace).not.toHaveBeenCalled();
  });

  it('is one entry, closed until its steps are under way', async () => {
    const { container, rerender } = render(SeedTorrent, props());
    const details = container.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(screen.getByText('Seed a .torrent made elsewhere')).toBeTruthy();
    await rerender(props({ torrentName: 'trip.torrent' }));
    expect(details.open).toBe(true);
  });
});
