// Connections that ask for a large file and never read it, 3,000 from one address: the tracker in a process of its
// own, real TCP sockets on loopback, each loop bounded in count and each wait in time; every socket is closed at
// the end. The attacker is 127.0.0.1, the honest client 127.0.0.2 (another address to the tracker).
import { mkdtempSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../shared/testing/until';
import { SLOW_READER_BUDGET_BYTES } from './http-connections';
import { DEFAULT_LIMITS } from './tracker/limits';
import { TestClient } from './test-client';
import { establishedFrom, startTrackerProcess, type TrackerProcess } from './testing/tracker-process';

const ATTACKER = '127.0.0.1';
const HONEST = '127.0.0.2';
const ATTACK_CONNECTIONS = 3000;
/** Fewer at once than the unfinished requests one address may have (32), which are refused on their own. */
const BATCH = 30;
/** 3,000 connections opened 30 at a time (the header guard's per-address limit) and 2,744 refusals take seconds. */
const ATTACK_TEST_TIMEOUT_MS = 40_000;
/** Stalled readers whose closing the send timeout is tested on. */
const STALLED = 32;
/** Larger than what the kernel's buffers on both ends take, so the server's writes stall. */
const BIG_FILE_BYTES = 64 * 1024 * 1024;
const HASH = 'S'.repeat(19) + '\xb1';

const sockets: Socket[] = [];
const processes: TrackerProcess[] = [];
const folders: string[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(processes.splice(0).map((running) => running.stop()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A build folder with a page and a large asset (sparse: it costs no disk). */
function buildFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'swarmdrop-slow-readers-'));
  folders.push(root);
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>SwarmDrop</title>\n');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'big.bin'), '');
  truncateSync(join(root, 'assets', 'big.bin'), BIG_FILE_BYTES);
  return root;
}

async function tracker(sendTimeoutMs: number): Promise<TrackerProcess> {
  const running = await startTrackerProcess({ staticDir: buildFolder(), sendTimeoutMs });
  processes.push(running);
  return running;
}

/**
 * A connection that asks for the large file and stops reading after the first bytes of the answer: resolves with
 * the answer's status (0 when the connection closed before any answer).
 */
function stalledReader(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: ATTACKER });
    sockets.push(socket);
    socket.on('error', () => resolve(0));
    socket.once('close', () => resolve(0));
    socket.once('connect', () => socket.write('GET /assets/big.bin HTTP/1.1\r\nHost: tracker\r\n\r\n'));
    socket.once('data', (chunk: Buffer) => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0);
      if (status === 200) {
        socket.pause();
        return resolve(status);
      }
      // A refusal is done once the server has closed its end: until then the server's socket is still established,
      // and a count of the connections it holds taken right after the last batch would include it.
      socket.removeAllListeners('close').removeAllListeners('error');
      socket.on('error', () => {});
      socket.once('close', () => resolve(status));
    });
  });
}

/** `count` stalled readers, opened `BATCH` at a time: the statuses they got. */
async function stalledReaders(port: number, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let opened = 0; opened < count; opened += BATCH) {
    const batch = Math.min(BATCH, count - opened);
    statuses.push(...(await Promise.all(Array.from({ length: batch }, () => stalledReader(port)))));
  }
  return statuses;
}

/** The honest client's page load over HTTP from its own address. */
async function honestPage(port: number): Promise<number> {
  const response = await fetchFrom(port, '/');
  return response.status;
}

function fetchFrom(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: HONEST });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: tracker\r\nConnection: close\r\n\r\n`);
  });
}

/** The honest client's announce over its open WebSocket: the tracker's reply. */
async function honestAnnounce(client: TestClient, peerId: string) {
  return client.request({ action: 'announce', info_hash: HASH, peer_id: peerId, numwant: 0, left: 0 });
}

describe('HTTP readers that never read', () => {
  it(
    `refuses ${ATTACK_CONNECTIONS} from one address past its cap, within the memory budget, and serves others`,
    async () => {
      const running = await tracker(60_000);
      const honest = await TestClient.open(`ws://127.0.0.1:${running.port}/`, { localAddress: HONEST });
      clients.push(honest);
      expect(await honestAnnounce(honest, 'H'.repeat(20))).toMatchObject({
        action: 'announce',
        interval: 120,
      });
      expect(await honestPage(running.port)).toBe(200);
      const before = running.rssBytes();

      const statuses = await stalledReaders(running.port, ATTACK_CONNECTIONS);
      const served = statuses.filter((status) => status === 200).length;
      expect(served).toBeLessThanOrEqual(DEFAULT_LIMITS.maxConnectionsPerAddress);
      const tally = new Map<number, number>();
      for (const status of statuses) tally.set(status, (tally.get(status) ?? 0) + 1);
      expect(Object.fromEntries(tally)).toEqual({ 200: served, 429: ATTACK_CONNECTIONS - served });
      expect(establishedFrom(running.port, ATTACKER)).toBeLessThanOrEqual(
        DEFAULT_LIMITS.maxConnectionsPerAddress,
      );
      expect(running.rssBytes() - before).toBeLessThanOrEqual(SLOW_READER_BUDGET_BYTES);

      // The honest address still loads the page and announces, over a new connection and its open one.
      expect(await honestPage(running.port)).toBe(200);
      expect(await honestAnnounce(honest, 'H'.repeat(20))).toMatchObject({ action: 'announce' });
      const second = await TestClient.open(`ws://127.0.0.1:${running.port}/`, { localAddress: HONEST });
      clients.push(second);
      expect(await honestAnnounce(second, 'I'.repeat(20))).toMatchObject({ action: 'announce', complete: 2 });
    },
    ATTACK_TEST_TIMEOUT_MS,
  );

  it('closes a response that does not drain within the send timeout, and the address may connect again', async () => {
    const running = await tracker(1000);
    // Fewer than the cap: each stalls only once the kernel's buffers of its socket are full (megabytes on loopback).
    const first = await stalledReaders(running.port, STALLED);
    expect(first).toEqual(Array(STALLED).fill(200));
    await until(() => establishedFrom(running.port, ATTACKER) === 0, {
      what: 'the stalled responses closed by the send timeout',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(await honestPage(running.port)).toBe(200);
    const again = await stalledReaders(running.port, 10);
    expect(again).toEqual(Array(10).fill(200));
  });
});
