// What the cluster's process tests share: peers that answer every offer they are relayed, as a browser would, and
// trackers on a real Redis, in this process or in child processes, cleaned up after each test.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { until as untilHolds } from '../../../shared/testing/until';
import { startServer, type RunningServer, type ServerOptions } from '../server';
import { TestClient, type Json, type TestClientOptions } from '../test-client';
import { freePort, startRedis, type Daemon } from './daemons';

export const CLUSTER_SWARM = 'C'.repeat(19) + '\xc3';
export const peerId = (tag: string) => `-WW0300-${tag}`.padEnd(19, '.') + '\xfe';
export const offerId = (tag: string, n: number) => `o-${tag}-${n}`.padEnd(19, '.') + '\xfd';
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** Waits until `check` holds, polling every 50 ms for up to `timeoutMs`. */
export const until = (check: () => boolean | Promise<boolean>, timeoutMs = 15_000) =>
  untilHolds(check, { timeoutMs, intervalMs: 50 });

/** The swarm a peer joins: its info hash (default CLUSTER_SWARM) and the other hash it names, if any. */
export type Hybrid = { infoHash?: string; alias?: string };

/** A peer that answers every offer it is relayed, as a browser would. */
export class AnsweringPeer {
  readonly offers: Json[] = [];
  readonly answers: Json[] = [];
  private constructor(
    readonly client: TestClient,
    readonly id: string,
    readonly infoHash: string,
  ) {
    client.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Json;
      if (message.offer) {
        this.offers.push(message);
        client.send({
          action: 'announce',
          info_hash: message.info_hash,
          peer_id: id,
          to_peer_id: message.peer_id,
          offer_id: message.offer_id,
          answer: { type: 'answer', sdp: `v=0 answer from ${id}` },
        });
      }
      if (message.answer) this.answers.push(message);
    });
  }

  /** A peer with `id` on a new connection to `url`, that has not announced yet. */
  static async open(url: string, id: string, infoHash = CLUSTER_SWARM, options: TestClientOptions = {}) {
    return new AnsweringPeer(await TestClient.open(url, options), id, infoHash);
  }

  /** A peer with `id` on an open connection, that has not announced yet. */
  static fromClient(client: TestClient, id: string, infoHash = CLUSTER_SWARM): AnsweringPeer {
    return new AnsweringPeer(client, id, infoHash);
  }

  /** Joins `swarm.infoHash` (naming `swarm.alias` as its other hash, if given), with the announce reply. */
  static async join(
    url: string,
    tag: string,
    left = 100,
    swarm: Hybrid = {},
  ): Promise<AnsweringPeer & { reply: Json }> {
    const { infoHash = CLUSTER_SWARM, alias } = swarm;
    const peer = await AnsweringPeer.open(url, peerId(tag), infoHash);
    const reply = await peer.client.request({
      action: 'announce',
      info_hash: infoHash,
      peer_id: peer.id,
      left,
      ...(alias === undefined ? {} : { info_hash_alias: alias }),
    });
    if (reply['failure reason']) throw new Error(String(reply['failure reason']));
    return Object.assign(peer, { reply });
  }

  /** Resolves once `count` answers have come back to this peer's offers. */
  answered(count: number): Promise<void> {
    return until(() => this.answers.length >= count);
  }

  /** Announces with `count` offers (and asks for as many peers). */
  offer(count: number, tag: string): void {
    const offers = Array.from({ length: count }, (_, n) => ({
      offer: { type: 'offer', sdp: `v=0 offer ${n}` },
      offer_id: offerId(tag, n),
    }));
    this.client.send({
      action: 'announce',
      info_hash: this.infoHash,
      peer_id: this.id,
      left: 100,
      numwant: count,
      offers,
    });
  }
}

/**
 * The tracker's main in a child process of the cluster on `redisUrl`, run from its sources (no build needed; the
 * workers of --workers inherit the loader); resolves when it serves /health. The child goes into `children`.
 */
export async function childTracker(
  redisUrl: string,
  args: string[],
  children: ChildProcess[],
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--port', String(port), '--host', '127.0.0.1', '--redis', redisUrl, ...args],
    { cwd: REPO, stdio: 'ignore' },
  );
  children.push(child);
  await until(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
    } catch {
      return false;
    }
  });
  return { child, port };
}

/** Stops each child (SIGTERM first: a --workers primary then stops its workers; SIGKILL after 5 s). */
export async function stopChildren(children: ChildProcess[]): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const exited = once(child, 'exit');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Registers a real redis-server for the test file (started before its tests, stopped after) and each test's
 * clean-up: its clients closed, its tracker processes stopped, Redis emptied. `process` starts a tracker in this
 * process on the cluster; `childTracker` one in a child process.
 */
export function clusterHarness() {
  const state: { redis?: Daemon } = {};
  const servers: RunningServer[] = [];
  const clients: TestClient[] = [];
  const children: ChildProcess[] = [];
  const redisUrl = () => `redis://127.0.0.1:${state.redis!.port}`;
  beforeAll(async () => {
    state.redis = await startRedis();
  });
  afterAll(async () => {
    await state.redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await stopChildren(children);
    const flush = new Redis(redisUrl());
    await flush.flushall();
    flush.disconnect();
  });
  return {
    state,
    clients,
    redisUrl,
    /** A tracker in this process on the cluster (leases of 1 s, so a dead process is seen soon). */
    async process(options: ServerOptions = {}): Promise<RunningServer> {
      const running = await startServer({
        port: 0,
        host: '127.0.0.1',
        staticDir: null,
        logError: () => {},
        redisUrl: redisUrl(),
        processLeaseMs: 1_000,
        ...options,
      });
      servers.push(running);
      return running;
    },
    childTracker: (args: string[]) => childTracker(redisUrl(), args, children),
  };
}
