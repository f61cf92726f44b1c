// A flood of keep requests against the tracker in a process of its own, with its keeper: one address sends 2 MiB
// bodies to POST /keep on 16 keep-alive connections while another client announces over its WebSocket. The flooder
// is 127.0.0.2, the announcing client 127.0.0.1 (another address to the tracker).
import { request, Agent } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../shared/testing/until';
import { TestClient } from '../test-client';
import { DEFAULT_LIMITS } from '../tracker/limits';
import { startTrackerProcess, type TrackerProcess } from '../testing/tracker-process';
import { TOO_MANY_BYTES, TOO_MANY_REQUESTS } from './keep-guard';
import { MAX_KEEP_BODY_BYTES } from './keep-routes';
import { LIMITS } from './testing/keeper-scene';

const FLOODER = '127.0.0.2';
const CONNECTIONS = 16;
const ROUNDS = 3;
const HASH = 'K'.repeat(20);

const processes: TrackerProcess[] = [];
const clients: TestClient[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(processes.splice(0).map((running) => running.stop()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** A keep request as large as the bound allows: JSON that parses, for a share nobody seeds. */
const FLOOD_BODY = (() => {
  const head = `{"infoHash":"${'f'.repeat(40)}","torrent":"`;
  return `${head}${'A'.repeat(MAX_KEEP_BODY_BYTES - head.length - 2)}"}`;
})();

interface Outcome {
  /** The answer's status, or 0 when the connection ended without one. */
  status: number;
  error?: unknown;
  /** Whether the answer said the connection closes, and whether it did. */
  closing: boolean;
  closed: Promise<void>;
}

function flood(port: number, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const sent = request({
      host: '127.0.0.1',
      port,
      path: '/keep',
      method: 'POST',
      agent,
      localAddress: FLOODER,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(FLOOD_BODY) },
    });
    sent.on('socket', (socket) => (closed = new Promise((done) => socket.once('close', () => done()))));
    let closed: Promise<void> = Promise.resolve();
    sent.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const closing = response.headers.connection === 'close';
        resolve({ status: response.statusCode ?? 0, error: JSON.parse(text).error, closing, closed });
      });
    });
    // A refusal closes the connection with the rest of the body unsent: the write fails, the answer stands.
    sent.on('error', () => resolve({ status: 0, closing: true, closed }));
    sent.end(FLOOD_BODY);
  });
}

/** Announces over `client` until `done`, ten a second (within a connection's messages per second); how many were
 * sent and how many answered. */
async function announceUntil(client: TestClient, done: () => boolean) {
  let sent = 0;
  let answered = 0;
  while (!done() || sent === 0) {
    if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    sent++;
    const reply = await client.request({
      action: 'announce',
      info_hash: HASH,
      peer_id: 'P'.repeat(20),
      numwant: 0,
      left: 0,
    });
    if (reply.action === 'announce' && reply['failure reason'] === undefined) answered++;
  }
  return { sent, answered };
}

describe('a flood of keep requests from one address', () => {
  it('is refused past its bytes, unread and closed, while another client is answered', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'keep-flood-'));
    folders.push(folder);
    const running = await startTrackerProcess({ keeper: { folder, limits: LIMITS } });
    processes.push(running);
    const honest = await TestClient.open(`ws://127.0.0.1:${running.port}/`);
    clients.push(honest);
    // The keeper's process is ready (so the flood's requests are not held waiting for its start), asked from the
    // honest address.
    const status = `http://127.0.0.1:${running.port}/keep/status?infoHash=${'0'.repeat(40)}`;
    await until(async () => (await fetch(status)).status !== 503, { what: 'the keeper has started' });

    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let flooding = true;
    const announcing = announceUntil(honest, () => !flooding);
    const started = Date.now();
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        for (let round = 0; round < ROUNDS; round++) outcomes.push(await flood(running.port, agent));
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    flooding = false;
    agent.destroy();

    const refused = outcomes.filter((outcome) => outcome.status === 429);
    const read = outcomes.filter((outcome) => outcome.status !== 429 && outcome.status !== 0);
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) {
      expect(outcome.closing).toBe(true);
      expect([TOO_MANY_BYTES, TOO_MANY_REQUESTS]).toContain(outcome.error);
    }
    expect(refused.map((outcome) => outcome.error)).toContain(TOO_MANY_BYTES);
    await Promise.all(refused.map((outcome) => outcome.closed));
    // A body read is one the address paid for: a second of bytes at the start, one more each second, and each body
    // may leave at most its own size owed (the bound widens with the flood's length, whatever the machine's speed).
    const rate = DEFAULT_LIMITS.maxBytesPerSecondPerAddress;
    expect(read.length * MAX_KEEP_BODY_BYTES).toBeLessThanOrEqual(rate * (1 + seconds) + MAX_KEEP_BODY_BYTES);
    // Each body read reaches the keeper, which reads no torrent in it (or is still starting): nothing is kept.
    for (const outcome of read) expect([403, 503]).toContain(outcome.status);

    const { sent, answered } = await announcing;
    expect(answered).toBe(sent);
  });
});
