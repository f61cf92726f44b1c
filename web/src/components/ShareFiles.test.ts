// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { PickedFile } from '../lib/files/share-input';
import ShareFiles from './ShareFiles.svelte';

const props = (overrides: Partial<Record<string, unknown>> = {}) => ({
  pendingShares: 0,
  error: undefined,
  canShareInPlace: false,
  canShareFolderInPlace: false,
  copyShares: false,
  oncopyshares: vi.fn<(on: boolean) => void>(),
  onshare: vi.fn<(picked: PickedFile[]) => Promise<void>>(async () => undefined),
  onshareinplace: vi.fn<(what: 'files' | 'folder') => Promise<void>>(async () => undefined),
  encrypt: false,
  onencrypt: vi.fn<(on: boolean) => void>(),
  ...overrides,
});

describe('ShareFiles', () => {
  it('shares the files picked in Share files, each by its name, and empties the input', async () => {
    const user = userEvent.setup();
    const setup = props();
    render(ShareFiles, setup);
    const input = screen.getByLabelText<HTMLInputElement>('Share files');
    expect(input.multiple).toBe(true);
    const files = [new File(['a'], 'a.txt'), new File(['bb'], 'b.jpg')];
    await user.upload(input, files);
    expect(setup.onshare).toHaveBeenCalledExactlyOnceWith([
      { file: files[0], relativePath: 'a.txt' },
      { file: files[1], relativePath: 'b.jpg' },
    ]);
    expect(input.value).toBe('');
  });

  it('has a folder input, Share a folder', () => {
    render(ShareFiles, props());
    expect(screen.getByLabelText('Share a folder').hasAttribute('webkitdirectory')).toBe(true);
  });

  it('reads the files in place where the browser can, unless copies are asked for: no twin buttons', async () => {
    const user = userEvent.setup();
    const setup = props({ canShareInPlace: true, canShareFolderInPlace: true });
    const { rerender } = render(ShareFiles, setup);
    expect(screen.queryByRole('button', { name: /without copying/ })).toBeNull();
    await user.click(screen.getByLabelText('Share files'));
    await user.click(screen.getByLabelText('Share a folder'));
    expect(setup.onshareinplace.mock.calls).toEqual([['files'], ['folder']]);
    await user.click(screen.getByRole('checkbox', { name: 'Copy shared files into this browser' }));
    expect(setup.oncopyshares).toHaveBeenCalledExactlyOnceWith(true);
    const copying = props({ canShareInPlace: true, canShareFolderInPlace: true, copyShares: true });
    await rerender(copying);
    await user.click(screen.getByLabelText('Share files'));
    expect(copying.onshareinplace).not.toHaveBeenCalled();
  });

  it('offers no copy setting where every share is a copy', () => {
    render(ShareFiles, props());
    expect(screen.queryByRole('checkbox', { name: 'Copy shared files into this browser' })).toBeNull();
  });

  it('sends the Encrypt choice, and says what it means when on', async () => {
    const user = userEvent.setup();
    const setup = props();
    const { rerender } = render(ShareFiles, setup);
    await user.click(screen.getByRole('checkbox', { name: 'Encrypt for people with the link' }));
    expect(setup.onencrypt).toHaveBeenCalledExactlyOnceWith(true);
    expect(screen.queryByText(/Only someone with the share link/)).toBeNull();
    await rerender(props({ encrypt: true }));
    expect(
      screen.getByRole<HTMLInputElement>('checkbox', { name: 'Encrypt for people with the link' }).checked,
    ).toBe(true);
    expect(screen.getByText(/Only someone with the share link/)).toBeTruthy();
  });

  it('says when shares are being hashed, and shows an error as an alert', () => {
    render(ShareFiles, props({ pendingShares: 1, error: 'A share needs at least one byte' }));
    expect(screen.getByText(/Preparing… the page stays usable/)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('A share needs at least one byte');
  });
});
