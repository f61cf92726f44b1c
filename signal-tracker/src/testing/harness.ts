// The integration tests' tracker servers and clients: each test's servers and sockets are closed after it.
import { afterEach } from 'vitest';
import { request as httpRequest } from 'node:http';
import { startServer, type RunningServer, type ServerOptions } from '../server';
import { TestClient } from '../test-client';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET to a running server, with optional headers, from `localAddress` (127.0.0.2 and so on) if given. */
export function httpGet(
  running: RunningServer,
  path: string,
  headers: Record<string, string> = {},
  localAddress?: string,
) {
  return new Promise<HttpReply>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: running.port, path, method: 'GET', headers, localAddress },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Registers the clean-up; `server` starts a tracker on a free loopback port, `connect` opens a client to it. */
export function trackerHarness() {
  const servers: RunningServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    clients,
    async server(options: ServerOptions = {}): Promise<RunningServer> {
      const running = await startServer({
        port: 0,
        host: '127.0.0.1',
        staticDir: null,
        logError: () => {},
        ...options,
      });
      servers.push(running);
      return running;
    },
    /** A client of `running`, from `localAddress` (127.0.0.2 and so on stand for other client addresses). */
    async connect(running: RunningServer, localAddress?: string): Promise<TestClient> {
      const client = await TestClient.open(running.trackerUrl, { localAddress });
      clients.push(client);
      return client;
    },
  };
}
