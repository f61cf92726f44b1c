// The keeper's routes on a real HTTP server, with the keeper's answers made up: what a request must show before its
// body is read, what it pays from its address's budget, and who is told a share's status.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeepBudgetLimits } from './keep-budget';
import { NOT_JSON, OTHER_SITE, TOO_LARGE, TOO_MANY_BYTES, TOO_MANY_REQUESTS } from './keep-guard';
import { MAX_STOP_BODY_BYTES, withKeepRoutes, type KeepRoutesOptions } from './keep-routes';

const HASH = 'a'.repeat(40);
const TOKEN = 'b'.repeat(32);
const MiB = 1024 * 1024;

type Asked = Parameters<KeepRoutesOptions['ask']>[0];

interface Served {
  base: string;
  port: number;
  asked: Asked[];
  clock: { now: number };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The routes on 127.0.0.1; the sender's address is its X-Test-Address header. */
async function serve(budget: Partial<KeepBudgetLimits> = {}): Promise<Served> {
  const asked: Asked[] = [];
  const clock = { now: 0 };
  const ask = (request: Asked) => {
    asked.push(request);
    if (request.op !== 'status') return Promise.resolve({ ok: true });
    return Promise.resolve(request.stopToken === TOKEN ? { progress: 1, kept: true } : null);
  };
  const handler = withKeepRoutes((_req, res) => res.writeHead(404).end(), {
    ask: ask as never,
    addressOf: (req: IncomingMessage) => String(req.headers['x-test-address'] ?? 'one'),
    budget,
    now: () => clock.now,
  });
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, port, asked, clock };
}

const JSON_TYPE = { 'content-type': 'application/json' };

async function post(at: Served, path: string, body: string, headers: Record<string, string> = JSON_TYPE) {
  const response = await fetch(at.base + path, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as unknown };
}

const keepBody = (padding = 0) => JSON.stringify({ infoHash: HASH, torrent: 'x'.repeat(padding) });

/** Sends a request's head alone, never its body, and resolves with what came back before the connection closed. */
function headOnly(at: Served, head: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(at.port, '127.0.0.1', () => socket.write(`${head.join('\r\n')}\r\n\r\n`));
    let text = '';
    socket.on('data', (data) => (text += data.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe("the keeper's routes, before a body is read", () => {
  it("take a keep from the tracker's own page, or with no Origin at all", async () => {
    const at = await serve();
    const own = { ...JSON_TYPE, origin: at.base };
    expect((await post(at, '/keep', keepBody(), own)).status).toBe(200);
    expect((await post(at, '/keep', keepBody())).status).toBe(200);
    expect(at.asked.map((request) => request.op)).toEqual(['keep', 'keep']);
  });

  it("refuse another site's page in words, and nothing reaches the keeper", async () => {
    const at = await serve();
    for (const origin of ['https://elsewhere.example', 'null', `http://127.0.0.1:${at.port + 1}`]) {
      const headers = { ...JSON_TYPE, origin };
      expect(await post(at, '/keep', keepBody(), headers)).toEqual({
        status: 403,
        body: { error: OTHER_SITE },
      });
      const stop = JSON.stringify({ infoHash: HASH, stopToken: TOKEN });
      expect((await post(at, '/keep/stop', stop, headers)).status).toBe(403);
    }
    expect(at.asked).toEqual([]);
  });

  it("take a keep behind a proxy that rewrote Host, from a browser that says the page is the tracker's", async () => {
    const at = await serve();
    const page = { ...JSON_TYPE, origin: 'https://tracker.example' };
    expect((await post(at, '/keep', keepBody(), { ...page, 'sec-fetch-site': 'same-origin' })).status).toBe(
      200,
    );
    expect((await post(at, '/keep', keepBody(), { ...page, 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect(at.asked).toHaveLength(1);
  });

  it('refuse a body that is not JSON by its Content-Type', async () => {
    const at = await serve();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])
      expect(await post(at, '/keep', keepBody(), { 'content-type': type })).toEqual({
        status: 415,
        body: { error: NOT_JSON },
      });
    expect(
      (await post(at, '/keep', keepBody(), { 'content-type': 'application/json; charset=utf-8' })).status,
    ).toBe(200);
    expect(at.asked).toHaveLength(1);
  });

  it('refuse another method on their paths', async () => {
    const at = await serve();
    const response = await fetch(`${at.base}/keep`, { method: 'PUT', body: keepBody(), headers: JSON_TYPE });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await fetch(`${at.base}/keep/status?infoHash=${HASH}`, { method: 'POST' })).status).toBe(405);
    expect(at.asked).toEqual([]);
  });

  it("refuse an address's requests past its second, and take them again the next second", async () => {
    const at = await serve({ requestsPerSecond: 3 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(at, '/keep', keepBody())).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await fetch(`${at.base}/keep/status?infoHash=${HASH}&stopToken=${TOKEN}`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ error: TOO_MANY_REQUESTS });
    expect((await post(at, '/keep', keepBody(), { ...JSON_TYPE, 'x-test-address': 'two' })).status).toBe(200);
    at.clock.now += 1000;
    expect((await post(at, '/keep', keepBody())).status).toBe(200);
  });

  it("refuse a body past its address's bytes before a byte of it is sent, and close the connection", async () => {
    const at = await serve({ bytesPerSecond: MiB });
    // One body larger than a second's bytes is taken; the address then owes half a MiB.
    expect((await post(at, '/keep', keepBody(1.5 * MiB))).status).toBe(200);
    const head = [
      'POST /keep HTTP/1.1',
      'host: x',
      'content-type: application/json',
      `content-length: ${MiB}`,
    ];
    const answer = await headOnly(at, head);
    expect(answer).toMatch(/^HTTP\/1\.1 429 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    // Half a MiB owed, at a MiB a second.
    expect(answer).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(answer).toContain(JSON.stringify({ error: TOO_MANY_BYTES }));
    expect((await post(at, '/keep', keepBody(), { ...JSON_TYPE, 'x-test-address': 'two' })).status).toBe(200);
    at.clock.now += 400;
    expect((await post(at, '/keep', keepBody())).status).toBe(429);
    at.clock.now += 600;
    expect((await post(at, '/keep', keepBody())).status).toBe(200);
    expect(at.asked).toHaveLength(3);
  });

  it('give back what a body without a length did not use of its bound', async () => {
    const at = await serve({ bytesPerSecond: MiB });
    // A chunked body is paid its route's bound (2 MiB) before it is read; what it did not use comes back.
    const chunked = (body: string) =>
      headOnly(at, [
        'POST /keep HTTP/1.1',
        'host: x',
        'connection: close',
        'content-type: application/json',
        'transfer-encoding: chunked',
        '',
        `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0`,
      ]);
    expect(await chunked(keepBody())).toMatch(/^HTTP\/1\.1 200 /);
    expect(await chunked(keepBody())).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('bound /keep/stop to a stop request, however much of the budget is left', async () => {
    const at = await serve();
    const stop = JSON.stringify({ infoHash: HASH, stopToken: 'x'.repeat(MAX_STOP_BODY_BYTES) });
    expect(await post(at, '/keep/stop', stop)).toEqual({ status: 413, body: { error: TOO_LARGE } });
    expect((await post(at, '/keep/stop', JSON.stringify({ infoHash: HASH, stopToken: TOKEN }))).status).toBe(
      200,
    );
    expect(at.asked).toEqual([{ op: 'stop', infoHash: HASH, stopToken: TOKEN }]);
  });
});

describe("a kept share's status", () => {
  it('is told with its stop token, in the query or in a header', async () => {
    const at = await serve();
    const query = await fetch(`${at.base}/keep/status?infoHash=${HASH}&stopToken=${TOKEN}`);
    expect(await query.json()).toEqual({ progress: 1, kept: true });
    const header = await fetch(`${at.base}/keep/status?infoHash=${HASH}`, {
      headers: { 'x-keep-stop-token': TOKEN },
    });
    expect(header.status).toBe(200);
  });

  it('is, without the token, the answer for a share the keeper never had', async () => {
    const at = await serve();
    const answers = [];
    for (const token of ['', 'guess']) {
      const response = await fetch(`${at.base}/keep/status?infoHash=${HASH}&stopToken=${token}`);
      answers.push({ status: response.status, body: (await response.json()) as unknown });
    }
    const bare = await fetch(`${at.base}/keep/status?infoHash=${HASH}`);
    answers.push({ status: bare.status, body: (await bare.json()) as unknown });
    const notKept = { status: 404, body: { error: 'The keeper does not keep this share.' } };
    expect(answers).toEqual([notKept, notKept, notKept]);
  });
});

describe("the keeper's routes, a keep's proof", () => {
  it('pass a proof of holding to the keeper as sent, and leave out one that is not one', async () => {
    const at = await serve();
    const proof = { nonce: '7.abc', piece: 3, bytes: 'AAAA' };
    const send = (value: unknown) =>
      post(at, '/keep', JSON.stringify({ infoHash: HASH, torrent: 'x', proof: value }));
    expect((await send(proof)).status).toBe(200);
    for (const wrong of [
      { ...proof, piece: 1.5 },
      { ...proof, nonce: 'n'.repeat(200) },
      { ...proof, bytes: 1 },
      'x',
    ])
      await send(wrong);
    const keeps = at.asked as Array<Asked & { proof?: unknown }>;
    expect(keeps.map((request) => request.proof)).toEqual([
      proof,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
