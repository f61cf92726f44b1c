import { describe, expect, it } from 'vitest';
import { MAX_PEX_ENTRIES } from '../../codec/pex';
import { ROUND_MS } from './bucket';
import { GossipOut, PROGRESS_ROUND_MS, progressStep } from './gossip';

const hex = (n: number) => n.toString(16).padStart(40, '0');

describe('GossipOut', () => {
  it('sends the whole list first, then only changes, at most once a round', () => {
    const out = new GossipOut();
    const view = new Map([
      [hex(1), 1000],
      [hex(2), 300],
    ]);
    expect(out.next(view, 0)).toEqual({
      added: [
        { id: hex(1), progress: 1000 },
        { id: hex(2), progress: 300 },
      ],
      dropped: [],
      full: true,
    });
    view.delete(hex(2));
    view.set(hex(3), 0);
    expect(out.next(view, ROUND_MS - 1)).toBeUndefined();
    expect(out.next(view, ROUND_MS)).toEqual({
      added: [{ id: hex(3), progress: 0 }],
      dropped: [hex(2)],
      full: false,
    });
    expect(out.next(view, 2 * ROUND_MS)).toBeUndefined();
    expect(out.named(hex(3))).toBe(true);
    expect(out.named(hex(2))).toBe(false);
  });

  it('sends an empty whole list too (the peer learns we have no other neighbour)', () => {
    expect(new GossipOut().next(new Map(), 0)).toEqual({ added: [], dropped: [], full: true });
  });

  it('re-sends a progress when it crosses a tenth or reaches a seed', () => {
    const out = new GossipOut();
    const view = new Map([[hex(1), 110]]);
    out.next(view, 0);
    view.set(hex(1), 190);
    expect(out.next(view, ROUND_MS)).toBeUndefined();
    view.set(hex(1), 200);
    expect(out.next(view, PROGRESS_ROUND_MS)?.added).toEqual([{ id: hex(1), progress: 200 }]);
    expect(progressStep(999)).not.toBe(progressStep(1000));
  });

  it('says a moved progress alone at most every PROGRESS_ROUND_MS, a new or departed peer each round', () => {
    const out = new GossipOut();
    const view = new Map([[hex(1), 110]]);
    out.next(view, 0);
    view.set(hex(1), 500);
    expect(out.next(view, ROUND_MS)).toBeUndefined();
    view.set(hex(2), 0);
    expect(out.next(view, 2 * ROUND_MS)?.added).toEqual([
      { id: hex(1), progress: 500 },
      { id: hex(2), progress: 0 },
    ]);
    view.delete(hex(2));
    expect(out.next(view, 3 * ROUND_MS)?.dropped).toEqual([hex(2)]);
    view.set(hex(1), 900);
    expect(out.next(view, 4 * ROUND_MS)).toBeUndefined();
    expect(out.next(view, 3 * ROUND_MS + PROGRESS_ROUND_MS)?.added).toEqual([{ id: hex(1), progress: 900 }]);
  });

  it('splits a long list over rounds, MAX_PEX_ENTRIES at a time', () => {
    const out = new GossipOut();
    const view = new Map(
      Array.from({ length: MAX_PEX_ENTRIES + 5 }, (_, i) => [hex(i), 0] as [string, number]),
    );
    expect(out.next(view, 0)?.added).toHaveLength(MAX_PEX_ENTRIES);
    const rest = out.next(view, ROUND_MS);
    expect(rest?.added).toHaveLength(5);
    expect(rest?.full).toBe(false);
  });
});
