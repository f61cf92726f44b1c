// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { PendingLink } from '../app/torrents.svelte';
import ConfirmLink from './ConfirmLink.svelte';
import { INFO_HASH } from './testing/views';

const pending = (overrides: Partial<PendingLink> = {}): PendingLink => ({
  link: `magnet:?xt=urn:btih:${INFO_HASH}&dn=report.pdf`,
  name: 'report.pdf',
  infoHashHex: INFO_HASH,
  trackers: ['wss://tracker.example'],
  dropped: [],
  unread: 0,
  webSeeds: [],
  ...overrides,
});

/** The description given for a term of the dialog's list. */
const described = (term: string) =>
  screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent?.replace(/\s+/g, ' ').trim();

describe('ConfirmLink', () => {
  it('names the web servers the files may also come from, by host, once a peer sent the file list', () => {
    const webSeeds = ['https://files.example.org/share/', 'http://mirror.example:8080/x'];
    render(ConfirmLink, { pending: pending({ webSeeds }), onconfirm: vi.fn(), oncancel: vi.fn() });
    expect(described('Also from')).toBe(
      'files.example.org, mirror.example (web servers, asked for what peers cannot give, once someone who ' +
        'shares it has sent the file list)',
    );
    expect(screen.queryByText('File list', { selector: 'dt' })).toBeNull();
  });

  it('names the .torrent a link with an exact source fetches first, and where from', () => {
    const webSeeds = ['https://files.example.org/share/'];
    const exactSource = 'https://files.example.org/share/Photos%202024.torrent';
    render(ConfirmLink, {
      pending: pending({ webSeeds, exactSource }),
      onconfirm: vi.fn(),
      oncancel: vi.fn(),
    });
    expect(described('File list')).toBe(
      'Photos 2024.torrent from files.example.org, asked first; if it is not there, from the people who share it',
    );
    expect(described('Also from')).toBe('files.example.org (web servers, asked for what peers cannot give)');
  });

  it('shows nothing while no link waits', () => {
    render(ConfirmLink, { pending: null, onconfirm: vi.fn(), oncancel: vi.fn() });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('names what the link would download and where it would announce, with Download in focus', () => {
    render(ConfirmLink, { pending: pending({ length: 1536 }), onconfirm: vi.fn(), oncancel: vi.fn() });
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Download “report.pdf”?');
    expect(described('Name')).toBe('report.pdf');
    expect(described('Info hash')).toBe(INFO_HASH);
    expect(described('Size')).toBe('1.50 KiB');
    const trackers = within(screen.getByRole('list', { name: 'Trackers to announce to' })).getAllByRole(
      'listitem',
    );
    expect(trackers.map((item) => item.textContent)).toEqual(['wss://tracker.example']);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Download' }));
    expect(screen.queryByText(/An encrypted share/)).toBeNull();
    expect(screen.queryByRole('list', { name: 'Trackers not contacted' })).toBeNull();
  });

  it('names each tracker it will not contact and why, and how many it did not read', () => {
    render(ConfirmLink, {
      pending: pending({
        dropped: [
          { url: 'ws://127.0.0.1:6379/x', reason: 'loopback' },
          { url: 'ws://192.168.1.1/', reason: 'private' },
          { url: 'udp://tracker.example:1337', reason: 'not-websocket' },
        ],
        unread: 2,
      }),
      onconfirm: vi.fn(),
      oncancel: vi.fn(),
    });
    const dropped = within(screen.getByRole('list', { name: 'Trackers not contacted' })).getAllByRole(
      'listitem',
    );
    expect(dropped.map((item) => item.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'ws://127.0.0.1:6379/x: an address on this device',
      'ws://192.168.1.1/: an address on a private network',
      'udp://tracker.example:1337: not a WebSocket tracker (ws: or wss:), which a browser cannot reach',
      '2 more trackers, not read: a link names too many',
    ]);
  });

  it('says what is not known yet: the size, the trackers, and an encrypted share’s real name', () => {
    render(ConfirmLink, {
      pending: pending({ trackers: [], key: 'A'.repeat(42) + 'E' }),
      onconfirm: vi.fn(),
      oncancel: vi.fn(),
    });
    expect(described('Size')).toBe('unknown until the metadata arrives');
    expect(described('Trackers')).toBe('none');
    expect(screen.getByText(/An encrypted share/)).toBeTruthy();
  });

  it('warns that an encrypted share opened without its key cannot be read', async () => {
    const { rerender } = render(ConfirmLink, {
      pending: pending({ name: 'private share' }),
      onconfirm: vi.fn(),
      oncancel: vi.fn(),
    });
    expect(screen.getByRole('alert').textContent).toMatch(/this link has no key/);
    await rerender({
      pending: pending({ name: 'private share', key: 'k' }),
      onconfirm: vi.fn(),
      oncancel: vi.fn(),
    });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('sends Download and Cancel', async () => {
    const user = userEvent.setup();
    const onconfirm = vi.fn();
    const oncancel = vi.fn();
    render(ConfirmLink, { pending: pending(), onconfirm, oncancel });
    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(onconfirm).toHaveBeenCalledOnce();
    expect(oncancel).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(oncancel).toHaveBeenCalledOnce();
  });
});
