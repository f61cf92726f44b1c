// A tracker that introduces little and can die: a relay in front of a real tracker (the app's files and its
// WebSocket) that lets each announce carry at most one offer (or `offersPerAnnounce`), counts the introductions it
// made (answers relayed back to an offer's maker) and the offers it relayed to the tabs, and can be stopped (every
// connection closed, the port refused) and started again on the same port. Pages opened at its origin announce there
// (the app's default tracker is its own origin's).
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export class TrimmedTracker {
  /** Answers relayed to the maker of an offer: connections the tracker introduced. */
  introductions = 0;
  /** Messages from the tracker to a tab that carry an offer: the offers it relayed. */
  offersRelayed = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(
    private readonly targetPort: number,
    readonly port: number,
    /** The most offers an announce may carry on to the tracker (Infinity: as many as the tab made). */
    private readonly offersPerAnnounce = 1,
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  start(): Promise<void> {
    const server = createServer((req, res) => {
      const upstream = request(
        { host: '127.0.0.1', port: this.targetPort, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.wss.handleUpgrade(req, socket, head, (client) => this.relay(client, req.url ?? '/')),
    );
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  /** The tracker dies: every connection closed, the port refused. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: WebSocket, path: string): void {
    const upstream = new WebSocket(`ws://127.0.0.1:${this.targetPort}${path}`);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const early: string[] = [];
    upstream.on('open', () => {
      for (const text of early.splice(0)) upstream.send(text);
    });
    client.on('message', (data: RawData) => {
      const text = trimmed(data.toString(), this.offersPerAnnounce);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else early.push(text);
    });
    upstream.on('message', (data: RawData) => {
      const text = data.toString();
      if (/"answer"\s*:/.test(text)) this.introductions++;
      if (/"offer"\s*:/.test(text)) this.offersRelayed++;
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
    const close = () => {
      client.terminate();
      upstream.terminate();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }
}

/** An announce with at most `most` offers (others pass unchanged). */
function trimmed(text: string, most: number): string {
  try {
    const message = JSON.parse(text) as { action?: string; offers?: unknown[] };
    if (message.action !== 'announce' || !Array.isArray(message.offers) || message.offers.length <= most)
      return text;
    return JSON.stringify({ ...message, offers: message.offers.slice(0, most) });
  } catch {
    return text;
  }
}
