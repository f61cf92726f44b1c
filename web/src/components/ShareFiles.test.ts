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

  it('offers sharing in place only where the browser can, and sends which', async () => {
    const user = userEvent.setup();
    const { rerender } = render(ShareFiles, props());
    expect(screen.queryByRole('button', { name: /without copying/ })).toBeNull();
    const setup = props({ canShareInPlace: true, canShareFolderInPlace: true });
    await rerender(setup);
    await user.click(screen.getByRole('button', { name: 'Share files without copying' }));
    await user.click(screen.getByRole('button', { name: 'Share a folder without copying' }));
    expect(setup.onshareinplace.mock.calls).toEqual([['files'], ['folder']]);
  });

  it('sends the Encrypt choice, and says what it means when on', async () => {
    const user = userEvent.setup();
    const setup = props();
    const { rerender } = render(ShareFiles, setup);
    await user.click(screen.getByRole('checkbox', { name: 'Encrypt for people with the link' }));
    expect(setup.onencrypt).toHaveBeenCalledExactlyOnceWith(true);
    expect(screen.queryByText(/Only someone with the share link/)).toBeNull();
    await rerender(props({ encrypt: true }));
    expect(screen.getByRole<HTMLInputElement>('checkbox').checked).toBe(true);
    expect(screen.getByText(/Only someone with the share link/)).toBeTruthy();
  });

  it('says when shares are being hashed, and shows an error as an alert', () => {
    render(ShareFiles, props({ pendingShares: 1, error: 'A share needs at least one byte' }));
    expect(screen.getByText(/Hashing… the page stays usable/)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('A share needs at least one byte');
  });
});
