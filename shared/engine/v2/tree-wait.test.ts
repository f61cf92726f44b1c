import { describe, expect, it } from 'vitest';
import { TreeWait } from './tree-wait';

describe('pieces waiting for their layer', () => {
  it('hands back the pieces whose layer is known, and keeps the others', () => {
    const wait = new TreeWait(100);
    expect(wait.wait(1, new Uint8Array(10))).toEqual([]);
    expect(wait.wait(2, new Uint8Array(10))).toEqual([]);
    expect(wait.ready((index) => index === 2).map(([index]) => index)).toEqual([2]);
    expect(wait.size).toBe(1);
  });

  it('drops the oldest past its bound, never the piece just added', () => {
    const wait = new TreeWait(25);
    wait.wait(1, new Uint8Array(10));
    wait.wait(2, new Uint8Array(10));
    expect(wait.wait(3, new Uint8Array(10))).toEqual([1]);
    expect(wait.wait(4, new Uint8Array(40))).toEqual([2, 3]);
    expect(wait.size).toBe(1);
    wait.clear();
    expect(wait.ready(() => true)).toEqual([]);
  });
});
