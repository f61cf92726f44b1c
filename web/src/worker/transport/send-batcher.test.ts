import { describe, expect, it } from 'vitest';
import type { WorkerToMain } from '../../lib/messages/protocol';
import { MAX_BATCH_BYTES, SendBatcher } from './send-batcher';

function bytes(length: number, fill: number): ArrayBuffer {
  return new Uint8Array(length).fill(fill).buffer;
}

function setup() {
  const posted: Array<{ message: WorkerToMain; transfer: Transferable[] | undefined }> = [];
  const tasks: Array<() => void> = [];
  const batcher = new SendBatcher(
    (message, transfer) => posted.push({ message, transfer }),
    (callback) => tasks.push(callback),
  );
  const runTasks = () => {
    for (const task of tasks.splice(0)) task();
  };
  return { posted, batcher, runTasks };
}

const send = (peer: string, data: ArrayBuffer, infoHashHex = 'aa'): WorkerToMain => ({
  type: 'send',
  infoHashHex,
  peer,
  data,
});

describe('SendBatcher', () => {
  it("posts a task's sends once, a peer's consecutive sends joined in order into one transferred buffer", () => {
    const { posted, batcher, runTasks } = setup();
    batcher.post(send('p1', bytes(3, 1)));
    batcher.post(send('p2', bytes(2, 9)));
    batcher.post(send('p1', bytes(4, 2)));
    expect(posted).toHaveLength(0);
    runTasks();
    expect(posted).toHaveLength(1);
    const { message, transfer } = posted[0];
    if (message.type !== 'sends') throw new Error('expected sends');
    expect(message.sends.map((s) => s.peer)).toEqual(['p1', 'p2']);
    expect([...new Uint8Array(message.sends[0].data)]).toEqual([1, 1, 1, 2, 2, 2, 2]);
    expect([...new Uint8Array(message.sends[1].data)]).toEqual([9, 9]);
    expect(transfer).toEqual(message.sends.map((s) => s.data));
    expect(batcher.pendingBytes).toBe(0);
  });

  it('keeps the same peer key of two torrents apart', () => {
    const { posted, batcher, runTasks } = setup();
    batcher.post(send('p1', bytes(1, 1), 'aa'));
    batcher.post(send('p1', bytes(1, 2), 'bb'));
    runTasks();
    const message = posted[0].message;
    if (message.type !== 'sends') throw new Error('expected sends');
    expect(message.sends.map((s) => s.infoHashHex)).toEqual(['aa', 'bb']);
  });

  it('never joins past one channel message: a full batch is followed by a new one, bytes in order', () => {
    const { posted, batcher, runTasks } = setup();
    const block = 16_397; // a piece message of a 16 KiB block
    const count = Math.floor(MAX_BATCH_BYTES / block) + 3;
    for (let i = 0; i < count; i++) batcher.post(send('p1', bytes(block, i)));
    runTasks();
    const message = posted[0].message;
    if (message.type !== 'sends') throw new Error('expected sends');
    expect(message.sends.length).toBe(2);
    for (const s of message.sends) expect(s.data.byteLength).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const all = message.sends.flatMap((s) => [...new Uint8Array(s.data)]);
    expect(all.length).toBe(count * block);
    for (let i = 0; i < count; i++) expect(all[i * block]).toBe(i);
  });

  it('flushes the waiting sends before any other message (a close follows the last bytes)', () => {
    const { posted, batcher, runTasks } = setup();
    batcher.post(send('p1', bytes(5, 7)));
    batcher.post({ type: 'close', infoHashHex: 'aa', peer: 'p1', reason: 'bye' });
    expect(posted.map((p) => p.message.type)).toEqual(['sends', 'close']);
    runTasks();
    expect(posted).toHaveLength(2);
  });
});
