import { describe, expect, it } from 'vitest';
import { ownBuffer } from './own-buffer';

describe('ownBuffer', () => {
  it('gives the buffer itself when the view covers all of it', () => {
    const view = new Uint8Array([1, 2, 3]);
    expect(ownBuffer(view)).toBe(view.buffer);
  });

  it('copies just the bytes of a view into part of a larger buffer', () => {
    const whole = new Uint8Array([9, 1, 2, 3, 9]);
    const own = ownBuffer(whole.subarray(1, 4));
    expect(own).not.toBe(whole.buffer);
    expect([...new Uint8Array(own)]).toEqual([1, 2, 3]);
  });
});
