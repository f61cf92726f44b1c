// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import AddTorrent from './AddTorrent.svelte';

const LINK = 'magnet:?xt=urn:btih:' + 'ab'.repeat(20);

const props = (added = true, overrides: Partial<Record<string, unknown>> = {}) => ({
  magnetError: undefined,
  torrentFileError: undefined,
  onmagnet: vi.fn<(link: string) => Promise<boolean>>(async () => added),
  onmagnetedit: vi.fn<() => void>(),
  ontorrentfile: vi.fn<(file: File) => Promise<void>>(async () => undefined),
  ...overrides,
});

describe('AddTorrent', () => {
  it('says which .torrent it fetches from a web server while a link is added', () => {
    render(AddTorrent, props(true, { fetching: 'Fetching Photos.torrent from files.example.org…' }));
    expect(screen.getByText('Fetching Photos.torrent from files.example.org…').getAttribute('role')).toBe(
      'status',
    );
  });

  it('sends the link with Download, and empties the field once it is added', async () => {
    const user = userEvent.setup();
    const setup = props();
    render(AddTorrent, setup);
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Magnet link or info hash' });
    await user.type(field, LINK);
    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(setup.onmagnet).toHaveBeenCalledExactlyOnceWith(LINK);
    expect(field.value).toBe('');
  });

  it('keeps a link that was not added, and sends it with Enter too', async () => {
    const user = userEvent.setup();
    const setup = props(false);
    render(AddTorrent, setup);
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Magnet link or info hash' });
    await user.type(field, 'not a link{Enter}');
    expect(setup.onmagnet).toHaveBeenCalledExactlyOnceWith('not a link');
    expect(field.value).toBe('not a link');
  });

  it('holds Download while a link is being added', async () => {
    const user = userEvent.setup();
    let finish: (added: boolean) => void = () => undefined;
    const setup = props(true, {
      onmagnet: vi.fn(() => new Promise<boolean>((resolve) => (finish = resolve))),
    });
    render(AddTorrent, setup);
    await user.type(screen.getByRole('textbox'), LINK);
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Download' });
    await user.click(button);
    expect(button.disabled).toBe(true);
    finish(true);
    await vi.waitFor(() => expect(button.disabled).toBe(false));
  });

  it('shows the link’s error on the field, and tells when the user edits the link', async () => {
    const user = userEvent.setup();
    const setup = props(false, { magnetError: 'Not a magnet link or info hash' });
    render(AddTorrent, setup);
    const field = screen.getByRole('textbox', { name: 'Magnet link or info hash' });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Not a magnet link or info hash');
    expect(field.getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id);
    await user.type(field, 'x');
    expect(setup.onmagnetedit).toHaveBeenCalledOnce();
  });

  it('does not tell of edits when there is no error to clear', async () => {
    const user = userEvent.setup();
    const setup = props();
    render(AddTorrent, setup);
    await user.type(screen.getByRole('textbox'), 'x');
    expect(setup.onmagnetedit).not.toHaveBeenCalled();
  });

  it('says which trackers the link just added names and does not contact, and why', () => {
    render(
      AddTorrent,
      props(true, {
        notContacted: {
          name: 'aimed.bin',
          dropped: [{ url: 'ws://127.0.0.1:6379/', reason: 'loopback' }],
          unread: 0,
        },
      }),
    );
    const status = screen.getByRole('status');
    expect(status.textContent).toContain('“aimed.bin” does not contact these trackers it names:');
    const items = screen
      .getAllByRole('listitem')
      .map((item) => item.textContent?.replace(/\s+/g, ' ').trim());
    expect(items).toEqual(['ws://127.0.0.1:6379/: an address on this device']);
  });

  it('sends the file picked in Open .torrent file, and shows its error', async () => {
    const user = userEvent.setup();
    const setup = props(true, { torrentFileError: 'Not a .torrent file' });
    render(AddTorrent, setup);
    const input = screen.getByLabelText<HTMLInputElement>('Open .torrent file');
    const file = new File(['d4:infoe'], 'x.torrent');
    await user.upload(input, file);
    expect(setup.ontorrentfile).toHaveBeenCalledExactlyOnceWith(file);
    expect(input.value).toBe('');
    expect(screen.getByRole('alert').textContent).toBe('Not a .torrent file');
  });
});
