import { describe, expect, it } from 'vitest';
import { batchSize, MAX_BATCH, requestsToSend } from './request-batch';

describe('batchSize', () => {
  it('is a quarter of the depth, at least one block and at most MAX_BATCH', () => {
    expect(batchSize(1)).toBe(1);
    expect(batchSize(5)).toBe(1);
    expect(batchSize(8)).toBe(2);
    expect(batchSize(18)).toBe(4);
    expect(batchSize(250)).toBe(MAX_BATCH);
  });

  it('is one block for a nonsensical depth', () => {
    expect(batchSize(0)).toBe(1);
    expect(batchSize(Number.NaN)).toBe(1);
  });
});

describe('requestsToSend', () => {
  it('sends nothing while the pipeline is full', () => {
    expect(requestsToSend(18, 18)).toBe(0);
    expect(requestsToSend(18, 20)).toBe(0);
  });

  it('holds a room smaller than a batch while blocks are still coming', () => {
    expect(requestsToSend(18, 17)).toBe(0);
    expect(requestsToSend(18, 15)).toBe(0);
  });

  it('sends the whole room once it reaches a batch', () => {
    expect(requestsToSend(18, 14)).toBe(4);
    expect(requestsToSend(18, 10)).toBe(8);
  });

  it('fills an empty pipeline at once: nothing is coming that would make the room', () => {
    expect(requestsToSend(18, 0)).toBe(18);
    expect(requestsToSend(1, 0)).toBe(1);
  });

  it('tops up block by block when a player waits', () => {
    expect(requestsToSend(18, 17, true)).toBe(1);
  });

  it('keeps a shallow pipeline topped up block by block', () => {
    expect(requestsToSend(5, 4)).toBe(1);
    expect(requestsToSend(2, 1)).toBe(1);
  });

  it('keeps at least three quarters of the depth asked for', () => {
    for (const depth of [4, 9, 18, 40, 250]) {
      let outstanding = depth;
      for (let arrived = 0; arrived < 3 * depth; arrived++) {
        outstanding -= 1;
        expect(outstanding).toBeGreaterThanOrEqual(depth - batchSize(depth));
        outstanding += requestsToSend(depth, outstanding);
      }
    }
  });
});
