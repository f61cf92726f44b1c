import { describe, expect, it } from 'vitest';
import { subtleSha256 } from '../../lib/hash';
import { blockHashes } from '../v2/v2-session';
import { answerHashRequest } from './hash-requests';

describe('answerHashRequest', () => {
  it("answers a piece's leaf hashes and gives its buffer back, both to be transferred", async () => {
    const piece = new Uint8Array(40_000).map((_, i) => i % 251);
    const data = piece.slice().buffer;
    const { answer, transfer } = await answerHashRequest({ id: 3, data }, subtleSha256);
    expect(answer.id).toBe(3);
    expect(answer.data).toBe(data);
    expect('hashes' in answer && new Uint8Array(answer.hashes)).toEqual(
      await blockHashes(piece, subtleSha256),
    );
    expect(transfer).toContain(data);
    expect(transfer).toHaveLength(2);
  });

  it('answers with the reason when hashing fails, and still gives the buffer back', async () => {
    const data = new ArrayBuffer(100);
    const { answer, transfer } = await answerHashRequest({ id: 4, data }, () =>
      Promise.reject(new Error('no digest')),
    );
    expect(answer).toEqual({ id: 4, data, error: 'no digest' });
    expect(transfer).toEqual([data]);
  });
});
