import { describe, expect, it } from 'vitest';
import type { MainToWorker } from '../../lib/messages/protocol';
import { hashPort, linkHashWorker, type HashPortMessage, type StartedWorker } from './hash-link';
import type { HashAnswer } from './hash-requests';

class FakeEngine {
  readonly received: MainToWorker[] = [];
  terminated = false;
  postMessage(message: MainToWorker): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
}

class FakeHashWorker implements StartedWorker {
  readonly received: unknown[] = [];
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  postMessage(message: unknown): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('linkHashWorker', () => {
  it('gives each worker one end of a channel, and the engine hears when the hash worker fails', () => {
    const engine = new FakeEngine();
    const hash = new FakeHashWorker();
    linkHashWorker(engine, () => hash);
    const [toHash] = hash.received as HashPortMessage[];
    const [toEngine] = engine.received;
    expect(toHash.port).toBeInstanceOf(MessagePort);
    expect(toEngine).toMatchObject({ type: 'hash-port' });
    expect(toEngine.type === 'hash-port' && toEngine.port).toBeInstanceOf(MessagePort);
    hash.onerror?.({} as ErrorEvent);
    expect(engine.received[1]).toEqual({ type: 'hash-lost' });
    toHash.port.close();
    if (toEngine.type === 'hash-port') toEngine.port.close();
  });

  it('terminates the hash worker with the engine worker', () => {
    const engine = new FakeEngine();
    const hash = new FakeHashWorker();
    linkHashWorker(engine, () => hash).terminate();
    expect([engine.terminated, hash.terminated]).toEqual([true, true]);
    for (const message of [...hash.received, ...engine.received])
      (message as Partial<HashPortMessage>).port?.close();
  });

  it('leaves the engine to hash itself when the hash worker cannot be started', () => {
    const engine = new FakeEngine();
    linkHashWorker(engine, () => {
      throw new Error('no worker here');
    });
    expect(engine.received).toEqual([]);
  });
});

describe('hashPort', () => {
  it('carries requests to the other end and its answers back', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.onmessage = (event: MessageEvent<{ id: number }>) => {
      const answer: HashAnswer = { id: event.data.id, data: new ArrayBuffer(4), hashes: new ArrayBuffer(32) };
      port2.postMessage(answer);
    };
    const link = hashPort(port1);
    const answered = new Promise<HashAnswer>((resolve) => (link.onmessage = (event) => resolve(event.data)));
    const data = new ArrayBuffer(4);
    link.postMessage({ id: 7, data }, [data]);
    expect((await answered).id).toBe(7);
    link.terminate();
    port2.close();
  });
});
