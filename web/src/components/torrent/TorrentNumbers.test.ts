// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { torrentView } from '../testing/views';
import TorrentNumbers from './TorrentNumbers.svelte';

/** The figure shown under a term of the numbers list (`Done`, `Down`...). */
const figure = (term: string) => screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;

describe('TorrentNumbers', () => {
  it("shows a download's figures, its size without pad bytes", () => {
    render(TorrentNumbers, { torrent: torrentView({ progress: 42.9, length: 2 * 1024 * 1024 + 999 }) });
    expect(figure('Size')).toBe('2.00 MiB');
    expect(figure('Done')).toBe('42%');
    expect(figure('Down')).toBe('2.00 KiB/s');
    expect(figure('Peers')).toBe('1');
    expect(figure('Time left')).toBe('8 min 32 s');
    expect(figure('Received')).toBe('1.00 MiB');
  });

  it('has no time left once seeding, and an unknown size before the metadata', () => {
    render(TorrentNumbers, {
      torrent: torrentView({ state: 'fetching-metadata', length: 0, pieceCount: 0, files: [] }),
    });
    expect(figure('Size')).toBe('unknown yet');
    expect(figure('Time left')).toBe('–');
  });
});
