import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing/random';
import {
  MAX_REQUEST_BYTES,
  MIN_REQUEST_BYTES,
  REQUEST_SPAN_MS,
  firstFrom,
  requestLimit,
  startPiece,
} from './spread';

describe('where a session starts asking a web seed', () => {
  it('sessions with different randomness start at different pieces, each within the torrent', () => {
    const starts = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => startPiece(mulberry32(seed), 64));
    for (const start of starts) expect(start >= 0 && start < 64).toBe(true);
    expect(new Set(starts).size).toBeGreaterThan(4);
    expect(startPiece(() => 0.999999999, 10)).toBe(9);
  });

  it('searches from the start piece and wraps around', () => {
    expect(firstFrom(5, 8, (index) => index !== 5)).toBe(6);
    expect(firstFrom(6, 8, (index) => index < 3)).toBe(0);
    expect(firstFrom(3, 8, () => false)).toBeUndefined();
  });
});

describe('how much one request asks for', () => {
  it('MIN_REQUEST_BYTES before the seed has sent anything, or while it sends little', () => {
    expect(requestLimit(0, 0)).toBe(MIN_REQUEST_BYTES);
    expect(requestLimit(10 * 1024, 1000)).toBe(MIN_REQUEST_BYTES);
  });

  it('what the seed sends in REQUEST_SPAN_MS, up to MAX_REQUEST_BYTES', () => {
    const perSecond = 2 * 1024 * 1024;
    expect(requestLimit(perSecond * 3, 3000)).toBe((perSecond * REQUEST_SPAN_MS) / 1000);
    expect(requestLimit(1024 ** 3, 1000)).toBe(MAX_REQUEST_BYTES);
  });
});
