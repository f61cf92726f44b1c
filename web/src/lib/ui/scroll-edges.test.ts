import { describe, expect, it } from 'vitest';
import { hiddenSides } from './scroll-edges';

describe('hiddenSides', () => {
  it('says what a wide box hides to each side as it is scrolled', () => {
    const box = { scrollWidth: 900, clientWidth: 600 };
    expect(hiddenSides({ ...box, scrollLeft: 0 })).toEqual({ left: false, right: true });
    expect(hiddenSides({ ...box, scrollLeft: 150 })).toEqual({ left: true, right: true });
    expect(hiddenSides({ ...box, scrollLeft: 299.7 })).toEqual({ left: true, right: false });
  });

  it('says nothing hidden for a box that fits', () => {
    expect(hiddenSides({ scrollWidth: 600, clientWidth: 600, scrollLeft: 0 })).toEqual({
      left: false,
      right: false,
    });
  });

  it('reads a right-to-left box, whose scrollLeft runs negative', () => {
    expect(hiddenSides({ scrollWidth: 900, clientWidth: 600, scrollLeft: -300 })).toEqual({
      left: true,
      right: false,
    });
  });
});
