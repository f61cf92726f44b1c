// A WebSocket client for the integration tests: queues the tracker's messages so a test awaits each in turn.
import { WebSocket } from 'ws';

export type Json = Record<string, unknown>;

export class TestClient {
  readonly socket: WebSocket;
  readonly received: Json[] = [];
  private waiters: ((message: Json) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Json;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.received.push(message);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.socket.on('error', () => {
      // 'close' follows
    });
  }

  static async open(url: string): Promise<TestClient> {
    const client = new TestClient(url);
    await new Promise<void>((resolve, reject) => {
      client.socket.once('open', () => resolve());
      client.socket.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message from the tracker (already received or still to come). */
  next(): Promise<Json> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends a message and returns the tracker's next message. */
  async request(message: unknown): Promise<Json> {
    this.send(message);
    return this.next();
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
