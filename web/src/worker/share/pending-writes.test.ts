import { describe, expect, it } from 'vitest';
import { PendingWrites } from './pending-writes';

/** A write that lands when `land` is called, or fails with `fail`. */
function heldWrite() {
  let land!: () => void;
  let fail!: (error: Error) => void;
  const write = new Promise<void>((resolve, reject) => {
    land = resolve;
    fail = reject;
  });
  return { write, land, fail };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('PendingWrites', () => {
  it('lets the caller go on while the writes wait within the bound, and holds it past the bound', async () => {
    const writes = new PendingWrites(100);
    const held = [heldWrite(), heldWrite(), heldWrite()];
    expect(await settled(writes.add(held[0].write, 40))).toBe(true);
    expect(await settled(writes.add(held[1].write, 40))).toBe(true);
    // 120 bytes waiting: the caller waits until the oldest lands.
    const third = writes.add(held[2].write, 40);
    expect(await settled(third)).toBe(false);
    held[0].land();
    expect(await settled(third)).toBe(true);
    const end = writes.settle();
    expect(await settled(end)).toBe(false);
    held[1].land();
    held[2].land();
    await end;
    expect(writes.written).toBe(3);
  });

  it('reports the first failure to the next add and at the end', async () => {
    const writes = new PendingWrites(1000);
    const held = [heldWrite(), heldWrite()];
    await writes.add(held[0].write, 10);
    held[0].fail(new Error('disk full'));
    await Promise.resolve();
    await expect(writes.add(held[1].write, 10)).rejects.toThrow('disk full');
    held[1].land();
    await expect(writes.settle()).rejects.toThrow('disk full');
    expect(writes.written).toBe(1);
  });
});
