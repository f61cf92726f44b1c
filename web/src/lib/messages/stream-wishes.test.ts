import { describe, expect, it } from 'vitest';
import {
  BEHIND_AFTER_MS,
  MAX_WISH_PIECES,
  REASK_AFTER_MS,
  StreamWisher,
  streamWish,
  type StreamWish,
} from './stream-wishes';

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

  it('keeps `behind` only when it is true', () => {
    const base = { type: 'want-pieces', infoHashHex: HASH, pieces: [2], seek: false };
    expect(streamWish({ ...base, behind: true })?.behind).toBe(true);
    expect(streamWish({ ...base, behind: 'yes' })).not.toHaveProperty('behind');
  });
});

describe('StreamWisher (what one stream asks for)', () => {
  const wisher = () => {
    const posted: StreamWish[] = [];
    return { posted, wisher: new StreamWisher(HASH, (wish) => posted.push(wish)) };
  };

  it('lets the newest stream of a file steer with its window, and an older one not', () => {
    const { posted, wisher: w } = wisher();
    w.want([5, 6, 7], true, true);
    w.want([9, 10], false, false);
    expect(posted).toEqual([{ type: 'want-pieces', infoHashHex: HASH, pieces: [5, 6, 7], seek: true }]);
  });

  it('asks, for a superseded stream still blocked BEHIND_AFTER_MS later, for its piece alone, once, as behind', () => {
    const { posted, wisher: w } = wisher();
    w.waiting(40, true, 0); // the newest: nothing more to say
    w.waiting(40, false, 1000); // superseded now
    w.waiting(40, false, 1000 + BEHIND_AFTER_MS - 1);
    expect(posted).toEqual([]);
    w.waiting(40, false, 1000 + BEHIND_AFTER_MS);
    w.waiting(40, false, 1000 + BEHIND_AFTER_MS + 50);
    expect(posted).toEqual([
      { type: 'want-pieces', infoHashHex: HASH, pieces: [40], seek: false, behind: true },
    ]);
    // It read on and waits for the next piece: that one is asked too.
    w.waiting(41, false, 1000 + BEHIND_AFTER_MS + 100);
    expect(posted.map((wish) => wish.pieces)).toEqual([[40], [41]]);
  });

  it('asks again, for the newest stream still blocked on one piece, every REASK_AFTER_MS', () => {
    const { posted, wisher: w } = wisher();
    w.waiting(6, true, 0);
    w.waiting(6, true, REASK_AFTER_MS - 1);
    expect(posted).toEqual([]);
    // A seek elsewhere dropped its wish, and the player is still held in this read: it is asked for again.
    w.waiting(6, true, REASK_AFTER_MS);
    w.waiting(6, true, REASK_AFTER_MS + 50);
    expect(posted).toEqual([{ type: 'want-pieces', infoHashHex: HASH, pieces: [6], seek: false }]);
    w.waiting(6, true, 2 * REASK_AFTER_MS);
    expect(posted).toHaveLength(2);
    // The next piece: its own wait begins.
    w.waiting(7, true, 2 * REASK_AFTER_MS + 10);
    expect(posted).toHaveLength(2);
  });
});
