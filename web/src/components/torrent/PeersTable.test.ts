// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import PeersTable from './PeersTable.svelte';
import { peerRow } from '../testing/views';

/** The text of each cell of each body row. */
const cells = () =>
  within(screen.getByRole('table', { name: 'Peers' }))
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent?.trim()),
    );

describe('PeersTable', () => {
  it('says when no peer is connected', () => {
    render(PeersTable, { peers: [] });
    expect(screen.getByText('No peers connected.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows each peer: its app, the end of its id, its path, progress, rates, totals and who serves whom', () => {
    render(PeersTable, {
      peers: [
        peerRow(),
        peerRow({
          peer: 'peer-2',
          client: '',
          peerId: '2d5452323934302d' + 'ef'.repeat(12),
          path: undefined,
          progress: 1,
          piecesReceived: 2.25,
          amChoking: true,
          amInterested: false,
          peerChoking: true,
          peerInterested: true,
          snubbed: true,
        }),
      ],
    });
    expect(cells()).toEqual([
      [
        'WebTorrent 0.3.0',
        'cdcdcd',
        'direct',
        '25%',
        '4.00 KiB/s',
        '1.00 KiB/s',
        '3.00 MiB',
        '3',
        'yes',
        'yes',
        'yes',
        'no',
      ],
      [
        '2d5452323934302d',
        'efefef',
        '…',
        '100%',
        '4.00 KiB/s',
        '1.00 KiB/s',
        '3.00 MiB',
        '2.3',
        'no',
        'no',
        'no',
        'yes',
      ],
    ]);
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows.map((row) => row.classList.contains('snubbed'))).toEqual([false, false, true]);
  });
});
