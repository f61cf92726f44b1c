import { describe, expect, it } from 'vitest';
import { MAX_WISH_PIECES, streamWish } from './stream-wishes';

const HASH = 'ab'.repeat(20);

describe('stream wishes', () => {
  it('takes a wish as the service worker posts it', () => {
    expect(streamWish({ type: 'want-pieces', infoHashHex: HASH, pieces: [4, 5, 6], seek: true })).toEqual({
      type: 'want-pieces',
      infoHashHex: HASH,
      pieces: [4, 5, 6],
      seek: true,
    });
  });

  it('refuses what is not a wish', () => {
    for (const message of [
      null,
      'want-pieces',
      { type: 'piece-verified', infoHashHex: HASH, pieces: [1], seek: false },
      { type: 'want-pieces', infoHashHex: 'AB'.repeat(20), pieces: [1], seek: false },
      { type: 'want-pieces', infoHashHex: HASH.slice(2), pieces: [1], seek: false },
      { type: 'want-pieces', infoHashHex: HASH, pieces: '1,2', seek: false },
      { type: 'want-pieces', infoHashHex: HASH, pieces: [-1, 1.5, '2', null], seek: false },
    ])
      expect(streamWish(message)).toBeUndefined();
  });

  it('keeps whole non-negative pieces only, and at most MAX_WISH_PIECES of them; a seek only when said', () => {
    const many = Array.from({ length: 1000 }, (_, i) => i);
    const wish = streamWish({ type: 'want-pieces', infoHashHex: HASH, pieces: many, seek: 'yes' });
    expect(wish?.pieces).toEqual(many.slice(0, MAX_WISH_PIECES));
    expect(wish?.seek).toBe(false);
    expect(streamWish({ type: 'want-pieces', infoHashHex: HASH, pieces: [3, -2, 7.5, 9] })?.pieces).toEqual([
      3, 9,
    ]);
  });
});
