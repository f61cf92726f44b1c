import { describe, expect, it } from 'vitest';
import { frameShapeError, MAX_FRAME_DEPTH } from './frame-check';

describe('frameShapeError', () => {
  it('accepts the messages of the protocol', () => {
    const announce = {
      action: 'announce',
      info_hash: 'a'.repeat(20),
      peer_id: 'b'.repeat(20),
      numwant: 10,
      offers: Array.from({ length: 10 }, (_, i) => ({
        offer: { type: 'offer', sdp: `v=0\r\na=candidate:${i} [{,}]` },
        offer_id: 'c'.repeat(20),
      })),
    };
    expect(frameShapeError(JSON.stringify(announce))).toBeNull();
    const scrape = { action: 'scrape', info_hash: Array.from({ length: 100 }, () => 'd'.repeat(20)) };
    expect(frameShapeError(JSON.stringify(scrape))).toBeNull();
  });

  it('refuses deep nesting and too many members, and ignores brackets and commas in strings', () => {
    expect(frameShapeError('['.repeat(MAX_FRAME_DEPTH) + ']'.repeat(MAX_FRAME_DEPTH))).toBeNull();
    expect(frameShapeError('['.repeat(MAX_FRAME_DEPTH + 1))).toMatch(/nested deeper than 8/);
    expect(frameShapeError(`{"a":${'{"b":'.repeat(20)}1}`)).toMatch(/nested/);
    expect(frameShapeError(`[${'1,'.repeat(600)}1]`)).toMatch(/more than 512 members/);
    expect(frameShapeError(JSON.stringify({ s: '[[[[[[[[[[[[' + ','.repeat(1000) + '\\"[[[' }))).toBeNull();
    // An escaped quote does not end the string.
    expect(frameShapeError('{"s":"\\"[[[[[[[[[[[["}')).toBeNull();
  });
});
