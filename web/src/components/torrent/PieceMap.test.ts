// @vitest-environment happy-dom
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import PieceMap from './PieceMap.svelte';

describe('PieceMap', () => {
  it('names how many pieces we have, and carries which as a bitfield', async () => {
    const { rerender } = render(PieceMap, { availability: [-1, 0, 2, -1, 1], shown: false });
    const map = screen.getByRole('img', { name: 'Piece map: 2 of 5 pieces' });
    expect(map.dataset.bitfield).toBe('10010');
    await rerender({ availability: [-1, -1, 2, -1, -1], shown: true });
    expect(map.getAttribute('aria-label')).toBe('Piece map: 4 of 5 pieces');
    expect(map.dataset.bitfield).toBe('11011');
  });
});
