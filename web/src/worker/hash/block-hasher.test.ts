import { describe, expect, it } from 'vitest';
import { subtleSha256 } from '../../lib/hash';
import { blockHashes } from '../v2/v2-session';
import { BlockHasher, type HashWorkerLike } from './block-hasher';
import { answerHashRequest, type HashRequest } from './hash-requests';

/** Small pieces and a bound of four of them: the same flow as 1 MiB pieces under IN_FLIGHT_BYTES, quicker. */
const SIZE = 64 * 1024;
const BOUND = 4 * SIZE;

/** The hash worker in this thread: messages cross by structured clone with their buffers transferred (detached on
 * the sending side, as between workers), and each request is answered by the hash worker's own code when the test
 * says so. */
class InProcessWorker implements HashWorkerLike {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly received: HashRequest[] = [];
  terminated = false;

  postMessage(message: HashRequest, transfer: Transferable[]): void {
    this.received.push(structuredClone(message, { transfer }));
  }

  /** Answers the oldest request. */
  async answer(): Promise<HashRequest> {
    const request = this.received.shift()!;
    const { answer, transfer } = await answerHashRequest(request, subtleSha256);
    this.onmessage?.({ data: structuredClone(answer, { transfer }) } as MessageEvent);
    return request;
  }

  terminate(): void {
    this.terminated = true;
  }
}

/** A piece whose bytes all equal `fill` (so a request says which piece it is). */
const piece = (fill: number, size = SIZE) => new Uint8Array(size).fill(fill);
const local = (data: Uint8Array) => blockHashes(data, subtleSha256);

function hasher(): { worker: InProcessWorker; blocks: BlockHasher } {
  const worker = new InProcessWorker();
  const blocks = new BlockHasher(local, BOUND);
  blocks.attach(worker);
  return { worker, blocks };
}

describe('BlockHasher', () => {
  it("answers each piece with the leaf hashes made here, and leaves the engine's buffer as it was", async () => {
    const { worker, blocks } = hasher();
    const pieces = Array.from({ length: 9 }, (_, i) => piece(i + 1, SIZE - i * 1000));
    const answers = pieces.map((data) => blocks.hash(data, false));
    while (worker.received.length > 0) await worker.answer();
    for (let i = 0; i < pieces.length; i++) {
      expect(await answers[i]).toEqual(await local(pieces[i]));
      // Compared as one buffer: Vitest's toEqual walks a large typed array element by element.
      expect(Buffer.from(pieces[i]).equals(piece(i + 1, SIZE - i * 1000))).toBe(true);
    }
  });

  it('holds at most its bound of copies in the hash worker; the other pieces wait here', async () => {
    const { worker, blocks } = hasher();
    const answers = Array.from({ length: 12 }, (_, i) => blocks.hash(piece(i), false));
    const bound = BOUND / SIZE;
    expect(worker.received).toHaveLength(bound);
    expect(blocks.waiting).toBe(12 - bound);
    while (worker.received.length > 0) {
      expect(blocks.inFlightBytes).toBeLessThanOrEqual(BOUND);
      await worker.answer();
    }
    expect(blocks.waiting).toBe(0);
    expect(blocks.inFlightBytes).toBe(0);
    await Promise.all(answers);
  });

  it('sends a piece larger than the bound alone', async () => {
    const { worker, blocks } = hasher();
    const big = piece(7, BOUND + SIZE);
    const answer = blocks.hash(big, false);
    void blocks.hash(piece(8), false);
    expect(worker.received.map((request) => request.data.byteLength)).toEqual([big.length]);
    await worker.answer();
    expect(await answer).toEqual(await local(big));
  });

  it("sends a piece a player waits for before a web seed run's pieces that were queued ahead of it", async () => {
    const { worker, blocks } = hasher();
    for (let i = 0; i < 10; i++) void blocks.hash(piece(1), false);
    const urgent = blocks.hash(piece(2), true);
    await worker.answer();
    // The one place that opened is the player's, not the next of the run's.
    const next = worker.received[worker.received.length - 1];
    expect(new Uint8Array(next.data)[0]).toBe(2);
    while (worker.received.length > 0) await worker.answer();
    expect(await urgent).toEqual(await local(piece(2)));
  });

  it('hashes here what the hash worker held and what waited when it fails', async () => {
    const { worker, blocks } = hasher();
    const pieces = Array.from({ length: 6 }, (_, i) => piece(i + 1));
    const answers = pieces.map((data) => blocks.hash(data, false));
    worker.onerror?.({} as ErrorEvent);
    expect(worker.terminated).toBe(true);
    for (let i = 0; i < pieces.length; i++) expect(await answers[i]).toEqual(await local(pieces[i]));
    expect(await blocks.hash(piece(9), true)).toEqual(await local(piece(9)));
  });

  it('hashes here until the hash worker is attached, and sends it the pieces after', async () => {
    const blocks = new BlockHasher(local, BOUND);
    expect(await blocks.hash(piece(3), false)).toEqual(await local(piece(3)));
    const worker = new InProcessWorker();
    blocks.attach(worker);
    const answer = blocks.hash(piece(4), false);
    expect(worker.received).toHaveLength(1);
    await worker.answer();
    expect(await answer).toEqual(await local(piece(4)));
  });

  it('hashes here once told the hash worker is lost, the pieces it held included', async () => {
    const { worker, blocks } = hasher();
    const answer = blocks.hash(piece(5), true);
    blocks.lost();
    expect(worker.terminated).toBe(true);
    expect(await answer).toEqual(await local(piece(5)));
    expect(await blocks.hash(piece(6), false)).toEqual(await local(piece(6)));
  });
});
