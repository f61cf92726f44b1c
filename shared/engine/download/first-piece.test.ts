import { describe, expect, it } from 'vitest';
import { FIRST_PIECE_PATIENCE_MS, FirstPiece, type FirstPieceView } from './first-piece';

const view = (over: Partial<FirstPieceView> = {}): FirstPieceView => ({
  holding: false,
  streaming: false,
  blocksPerPiece: 1,
  outstanding: 0,
  otherSources: 0,
  ...over,
});

describe('the first piece from one source', () => {
  it('holding a piece, or a player waiting, leaves the pipeline alone', () => {
    const rule = new FirstPiece();
    rule.newSource(0);
    expect(rule.depth(5, view({ holding: true, otherSources: 3 }), 0)).toBe(5);
    expect(rule.depth(5, view({ streaming: true, otherSources: 3 }), 0)).toBe(5);
  });

  it('holding nothing, one piece’s blocks at most are asked of a peer', () => {
    const rule = new FirstPiece();
    expect(rule.depth(5, view(), 0)).toBe(1);
    expect(rule.depth(5, view({ blocksPerPiece: 16 }), 0)).toBe(5);
    expect(rule.depth(20, view({ blocksPerPiece: 16 }), 0)).toBe(16);
  });

  it('a second peer is asked only after the first had FIRST_PIECE_PATIENCE_MS to itself', () => {
    const rule = new FirstPiece();
    expect(rule.depth(5, view(), 1000)).toBe(1); // nobody asked yet: this peer may be
    rule.newSource(1000);
    // Another holder unchokes us: it is not asked while the first has the piece in hand.
    expect(rule.depth(5, view({ otherSources: 1 }), 1000 + FIRST_PIECE_PATIENCE_MS - 1)).toBe(0);
    // The source asked keeps its pipeline.
    expect(rule.depth(5, view({ outstanding: 1, otherSources: 0 }), 1500)).toBe(1);
    // The piece is late: one more peer may be asked.
    expect(rule.depth(5, view({ otherSources: 1 }), 1000 + FIRST_PIECE_PATIENCE_MS)).toBe(1);
  });

  it('wakes the peers it held back once we hold a piece, or once the last source has had its patience', () => {
    const rule = new FirstPiece();
    expect(rule.wake()).toBe(false); // nobody held back
    rule.newSource(0);
    expect(rule.depth(5, view({ otherSources: 1 }), 100)).toBe(0);
    expect(rule.wake(FIRST_PIECE_PATIENCE_MS - 1)).toBe(false);
    expect(rule.wake(FIRST_PIECE_PATIENCE_MS)).toBe(true);
    expect(rule.wake(FIRST_PIECE_PATIENCE_MS)).toBe(false); // once
    expect(rule.depth(5, view({ otherSources: 1 }), 100)).toBe(0);
    expect(rule.wake()).toBe(true); // a piece came in
  });
});
