// A WebSocket client for the integration tests: queues the tracker's messages so a test awaits each in turn.
import { WebSocket } from 'ws';

export type Json = Record<string, unknown>;

export interface TestClientOptions {
  /** The loopback address to connect from (127.0.0.2 and so on), to stand for another client address. */
  localAddress?: string;
  headers?: Record<string, string>;
}

export class TestClient {
  readonly socket: WebSocket;
  readonly received: Json[] = [];
  private waiters: ((message: Json) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(url: string, options: TestClientOptions) {
    this.socket = new WebSocket(url, { localAddress: options.localAddress, headers: options.headers });
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

  static async open(url: string, options: TestClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(url, options);
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

  /** Every message received up to and including the reply to a round trip (a scrape) sent now. */
  async sync(): Promise<Json[]> {
    this.send({ action: 'scrape', info_hash: 'sync'.padEnd(20, '.') });
    const messages: Json[] = [];
    for (;;) {
      const message = await this.next();
      if (message.action === 'scrape' && message.files) return messages;
      messages.push(message);
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
