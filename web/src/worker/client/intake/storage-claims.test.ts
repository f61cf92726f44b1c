import { describe, expect, it } from 'vitest';
import { ActionError } from '../action-runner';
import { testCore } from '../testing/core';
import { ensureRoom, newShareStorage } from './storage-claims';

describe('ensureRoom', () => {
  it("refuses bytes beyond the browser's free storage, with the reason the user reads", async () => {
    const { core } = testCore({ estimateStorage: async () => ({ quota: 1000, usage: 400 }) });
    await expect(ensureRoom(core, 600)).resolves.toBeUndefined();
    const refused = ensureRoom(core, 601);
    await expect(refused).rejects.toBeInstanceOf(ActionError);
    await expect(refused).rejects.toThrow(/^Not enough storage: needs/);
  });

  it('lets anything through when the browser gives no estimate', async () => {
    const { core } = testCore({ estimateStorage: async () => undefined });
    await expect(ensureRoom(core, 1e15)).resolves.toBeUndefined();
  });
});

describe('newShareStorage', () => {
  it('gives each share a fresh storage id under the share prefix, its pieces written there', async () => {
    const { core, store } = testCore();
    const first = newShareStorage(core, () => ({ pieceLength: 4, length: 4 }));
    const second = newShareStorage(core, () => ({ pieceLength: 4, length: 4 }));
    expect(first.storageId).toMatch(/^share-[0-9a-f]{16}$/);
    expect(second.storageId).not.toBe(first.storageId);
    await first.pieces.writePiece(0, new ArrayBuffer(4));
    expect([...store.data.keys()]).toEqual([`piece:${first.storageId}:0`]);
  });
});
