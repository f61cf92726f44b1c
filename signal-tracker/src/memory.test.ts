// Holds the worst-case memory figure of docs/security.md: measures what a connection, a peer and a pending
// offer really cost (heap and buffers, after a full collection) and checks them against COST_BYTES.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LIMIT_FLAGS } from './cli-limits';
import { COST_BYTES, formatBytes, worstCaseMemoryBytes, type MemoryLimits } from './memory';
import { startServer } from './server';
import { TestClient } from './test-client';
import type { Connection } from './tracker/socket-session';
import { Tracker } from './tracker/tracker';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function used(): number {
  gc();
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

const quiet: Connection = { deliver() {}, close() {} };
const hash = (n: number) => `swarm-${n}`.padEnd(19, '.') + '\xa1';
const id = (n: number) => `-WW0300-${n}`.padEnd(19, '.') + '\xfe';

describe('tracker memory', () => {
  it('costs at most COST_BYTES.peer per swarm membership', () => {
    const tracker = new Tracker({ limits: { maxPeersPerSwarm: 1e6, maxMessagesPerSecond: 1e6 } });
    const before = used();
    const sessions = [];
    for (let c = 0; c < 100; c++) {
      const session = tracker.connect(quiet, `10.1.${c >> 8}.${c & 255}`, 0)!;
      sessions.push(session);
      for (let s = 0; s < 200; s++)
        tracker.receive(
          session,
          JSON.stringify({ action: 'announce', info_hash: hash(s), peer_id: id(c) }),
          0,
        );
    }
    expect(tracker.peerCount).toBe(20_000);
    const perPeer = (used() - before) / tracker.peerCount;
    expect(perPeer).toBeGreaterThan(0);
    expect(perPeer).toBeLessThanOrEqual(COST_BYTES.peer);
  });

  it('costs at most COST_BYTES.pendingOffer per offer awaiting its answer', () => {
    const tracker = new Tracker({
      limits: {
        maxPendingOffersPerConnection: 100,
        maxMessagesPerSecond: 1e6,
        maxMessagesPerSecondPerAddress: 1e6,
        maxBytesPerSecond: 1e9,
        maxBytesPerSecondPerAddress: 1e9,
        maxOffersPerSecondPerRecipient: 1e6,
        maxOffersPerSecondPerSender: 1e6,
      },
    });
    // Four offerers from four addresses: each may hold a quarter of an answerer's pending offers.
    const offerers = Array.from({ length: 4 }, (_, n) => {
      const session = tracker.connect(quiet, `10.2.0.${n + 1}`, 0)!;
      tracker.receive(
        session,
        JSON.stringify({ action: 'announce', info_hash: hash(0), peer_id: id(300 + n) }),
        0,
      );
      return session;
    });
    const answerers = Array.from({ length: 200 }, (_, n) => {
      const session = tracker.connect(quiet, `10.3.${n >> 8}.${n & 255}`, 0)!;
      tracker.receive(
        session,
        JSON.stringify({ action: 'announce', info_hash: hash(0), peer_id: id(n + 1) }),
        0,
      );
      return session;
    });
    const before = used();
    let offers = 0;
    for (let round = 0; round < 2000; round++) {
      const batch = Array.from({ length: 10 }, (_, i) => ({
        offer: { type: 'offer', sdp: 'v=0' },
        offer_id: `${round}-${i}`.padEnd(20, '#'),
      }));
      tracker.receive(
        offerers[round % 4],
        JSON.stringify({
          action: 'announce',
          info_hash: hash(0),
          peer_id: id(300 + (round % 4)),
          numwant: 10,
          offers: batch,
        }),
        round,
      );
      offers += 10;
    }
    const pending = answerers.reduce((sum, session) => sum + (session.pending?.size ?? 0), 0);
    expect(offers).toBe(20_000);
    expect(pending).toBeGreaterThan(15_000); // 20 000 offers over 200 connections, at most 100 kept on each
    expect(pending).toBeLessThanOrEqual(200 * 100);
    expect((used() - before) / pending).toBeLessThanOrEqual(COST_BYTES.pendingOffer);
  });

  it('costs at most COST_BYTES.connection per open WebSocket (both ends counted)', async () => {
    const running = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
    const before = used();
    const clients: TestClient[] = [];
    for (let n = 0; n < 200; n++) {
      const client = await TestClient.open(running.trackerUrl, { localAddress: `127.0.2.${n + 1}` });
      await client.request({ action: 'announce', info_hash: hash(n), peer_id: id(n) });
      clients.push(client);
    }
    const perConnection = (used() - before) / clients.length;
    await Promise.all(clients.map((client) => client.close()));
    await running.close();
    // This process holds the client ends too, so the figure is an over-estimate of the tracker's share.
    expect(perConnection).toBeLessThanOrEqual(COST_BYTES.connection);
  });

  it('states the worst case for the default limits in docs/security.md', () => {
    const defaults = Object.fromEntries(LIMIT_FLAGS.map((limit) => [limit.key, limit.fallback]));
    const worst = worstCaseMemoryBytes(defaults as unknown as MemoryLimits);
    const docs = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    expect(docs).toContain(`worst case: ${formatBytes(worst)}`);
  });
});
