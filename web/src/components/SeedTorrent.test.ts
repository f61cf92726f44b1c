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

  it('offers seeding in place only where the browser can, and sends which', async () => {
    const user = userEvent.setup();
    const { rerender } = render(SeedTorrent, props());
    expect(screen.queryByRole('button', { name: /without copying/ })).toBeNull();
    const setup = props({ canSeedInPlace: true, canSeedFolderInPlace: true });
    await rerender(setup);
    await user.click(screen.getByRole('button', { name: 'Seed from a folder without copying' }));
    await user.click(screen.getByRole('button', { name: 'Seed from files without copying' }));
    expect(setup.oninplace.mock.calls).toEqual([['folder'], ['files']]);
  });
});
