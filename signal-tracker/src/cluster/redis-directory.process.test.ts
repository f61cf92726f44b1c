// The cluster directory against a real redis-server (Debian's), one per test file, on a free loopback port.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../shared/testing/until';
import { binaryAvailable, REDIS_SERVER, startRedis, type Daemon } from '../testing/daemons';
import type { ClusterMessage, DirectoryAnnounce } from './directory';
import { RedisDirectory } from './redis-directory';

const IH = 'aa'.repeat(20);
const IH2 = 'bb'.repeat(20);
const TIMEOUT = 60_000;

/** An announce on its own connection unless one is named (the peer id names it). */
const announce = (d: RedisDirectory, a: Omit<DirectoryAnnounce, 'connection'> & { connection?: string }) =>
  d.announce({ connection: a.peerId, ...a });

describe.skipIf(!binaryAvailable(REDIS_SERVER))('RedisDirectory (real redis-server)', () => {
  let redis: Daemon;
  const open: RedisDirectory[] = [];
  const inboxes = new Map<string, unknown[]>();

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
    const flush = new RedisDirectory({ url: url(), process: 'flush', peerTimeoutMs: 1, onMessage: () => {} });
    await flush.start();
    await (flush as unknown as { commands: { flushall(): Promise<void> } }).commands.flushall();
    await flush.close();
    inboxes.clear();
  });

  const url = () => `redis://127.0.0.1:${redis.port}`;
  async function directory(process: string, options: { leaseMs?: number; onReconnect?: () => void } = {}) {
    const messages: unknown[] = [];
    inboxes.set(process, messages);
    const d = new RedisDirectory({
      url: url(),
      process,
      peerTimeoutMs: TIMEOUT,
      onMessage: (m) => messages.push(m),
      ...options,
    });
    await d.start();
    open.push(d);
    return d;
  }

  it('picks offer candidates across processes, never the announcer, and counts the whole swarm', async () => {
    const a = await directory('proc-a');
    const b = await directory('proc-b');
    await announce(a, { infoHash: IH, peerId: 'seed', complete: true, now: 1000, want: 0 });
    const first = await announce(b, { infoHash: IH, peerId: 'leech', complete: false, now: 1001, want: 5 });
    expect(first.candidates).toEqual([{ peerId: 'seed', process: 'proc-a' }]);
    expect(first).toMatchObject({ complete: 1, incomplete: 1 });
    const again = await announce(a, { infoHash: IH, peerId: 'seed', complete: true, now: 1002, want: 5 });
    expect(again.candidates).toEqual([{ peerId: 'leech', process: 'proc-b' }]);
    expect(await a.counts([IH, IH2], 1003)).toEqual(
      new Map([
        [IH, { complete: 1, incomplete: 1 }],
        [IH2, { complete: 0, incomplete: 0 }],
      ]),
    );
    expect(await b.totals(1003)).toEqual({ swarms: 1, peers: 2, seeders: 1 });
    await b.leave(IH, 'leech', 'leech');
    expect(await a.totals(1004)).toEqual({ swarms: 1, peers: 1, seeders: 1 });
  });

  it('binds an alias on the first claim: one swarm under both hashes, each peer offered under its own', async () => {
    const [V1, V2, G] = ['V'.repeat(19) + '\xf1', 'W'.repeat(19) + '\xf2', 'G'.repeat(19) + '\xf3'];
    const a = await directory('proc-a');
    const b = await directory('proc-b');
    await announce(b, { infoHash: V2, peerId: 'two', complete: false, now: 1000, want: 0, address: 'x' });
    await announce(b, { infoHash: V2, peerId: 'three', complete: false, now: 1000, want: 0, address: 'y' });
    const seed = await announce(a, {
      infoHash: V1,
      peerId: 'seed',
      complete: true,
      now: 1001,
      want: 5,
      address: 'z',
      alias: V2,
    });
    expect(seed).toMatchObject({ complete: 1, incomplete: 2, alias: V2 });
    expect(new Set(seed.candidates.map((c) => JSON.stringify(c)))).toEqual(
      new Set([
        JSON.stringify({ peerId: 'two', process: 'proc-b', infoHash: V2 }),
        JSON.stringify({ peerId: 'three', process: 'proc-b', infoHash: V2 }),
      ]),
    );
    const two = await announce(b, {
      infoHash: V2,
      peerId: 'two',
      complete: false,
      now: 1002,
      want: 1,
      address: 'x',
    });
    expect(two).toMatchObject({ complete: 1, incomplete: 2, alias: V1 });
    expect(await a.counts([V1, V2], 1003)).toEqual(
      new Map([
        [V1, { complete: 1, incomplete: 2 }],
        [V2, { complete: 1, incomplete: 2 }],
      ]),
    );
    expect(await a.totals(1003)).toEqual({ swarms: 1, peers: 3, seeders: 1 });
    // Another alias for either hash is refused; so is a bind of swarms that share a peer id.
    await announce(a, { infoHash: G, peerId: 'g', complete: false, now: 1004, want: 0 });
    expect(
      await announce(a, { infoHash: V1, peerId: 'seed', complete: true, now: 1005, want: 0, alias: G }),
    ).toMatchObject({ alias: V2 });
    const H = 'H'.repeat(20);
    expect(
      await announce(a, { infoHash: H, peerId: 'g', complete: false, now: 1005, want: 0, alias: G }),
    ).not.toHaveProperty('alias');
    // The swarm goes with its last peer, and its alias with it: either hash can be bound anew.
    await b.leave(V2, 'two', 'two');
    await b.leave(V1, 'three', 'three');
    await a.leave(V2, 'seed', 'seed');
    expect(await a.counts([V1, V2], 1006)).toEqual(
      new Map([
        [V1, { complete: 0, incomplete: 0 }],
        [V2, { complete: 0, incomplete: 0 }],
      ]),
    );
    expect(
      await announce(a, { infoHash: V2, peerId: 'p', complete: false, now: 1007, want: 0, alias: G }),
    ).toMatchObject({ complete: 0, incomplete: 2, alias: G });
  });

  it("holds a peer id for one connection: another's claim, leave or hash changes nothing, on any process", async () => {
    const [H, J] = ['H'.repeat(19) + '\xe1', 'J'.repeat(19) + '\xe2'];
    const a = await directory('proc-a');
    const b = await directory('proc-b');
    const claim = (d: RedisDirectory, infoHash: string, connection: string, extra = {}) =>
      d.announce({ infoHash, peerId: 'victim', connection, complete: false, now: 1000, want: 0, ...extra });
    expect(await claim(a, H, 'owner')).toMatchObject({ incomplete: 1 });
    await announce(b, { infoHash: J, peerId: 'binder', complete: false, now: 1000, want: 0, alias: H });
    // Another connection, of the owner's process or another, under either hash: refused, and nothing bound.
    for (const [d, hash] of [
      [a, J],
      [a, H],
      [b, J],
    ] as const)
      expect(await claim(d, hash, 'thief', { alias: IH })).toEqual({
        complete: 0,
        incomplete: 0,
        candidates: [],
        refused: 'peer id in use',
      });
    await a.leave(J, 'victim', 'thief');
    await a.leave(H, 'victim', 'thief');
    const offerer = await announce(b, {
      infoHash: J,
      peerId: 'offerer',
      complete: false,
      now: 1001,
      want: 5,
    });
    expect(offerer).toMatchObject({ incomplete: 3, alias: H });
    expect(offerer.candidates).toContainEqual({ peerId: 'victim', process: 'proc-a', infoHash: H });
    expect(await a.counts([IH], 1002)).toEqual(new Map([[IH, { complete: 0, incomplete: 0 }]]));
    // The owner's own leave, under either hash, ends the claim.
    await a.leave(J, 'victim', 'owner');
    expect(await claim(b, J, 'next')).toMatchObject({ incomplete: 3 });
  });

  it('ends the claims of a process restarted under the same id, and offers none of its old peers', async () => {
    const old = await directory('proc-a');
    await announce(old, { infoHash: IH, peerId: 'v', connection: 'c1', complete: false, now: 1000, want: 0 });
    // The process restarts under its id (the old one is gone without a clean close: its lease is taken over).
    clearInterval((old as unknown as { lease: ReturnType<typeof setInterval> }).lease);
    const restarted = await directory('proc-a');
    const b = await directory('proc-b');
    expect(
      (await announce(b, { infoHash: IH, peerId: 'o', complete: false, now: 1001, want: 3 })).candidates,
    ).toEqual([]);
    // Its connection 'c1' is another connection than the old process's 'c1'.
    expect(
      await announce(restarted, {
        infoHash: IH,
        peerId: 'v',
        connection: 'c1',
        complete: false,
        now: 1002,
        want: 0,
      }),
    ).not.toHaveProperty('refused');
  });

  it('holds one peer id per connection in a swarm, and binds no alias that would put two there', async () => {
    const [H, J, K, L] = ['H', 'J', 'K', 'L'].map((c) => c.repeat(19) + '\xe1');
    const a = await directory('proc-a');
    const b = await directory('proc-b');
    const on = (infoHash: string, peerId: string, connection: string, alias?: string) =>
      announce(a, { infoHash, peerId, connection, complete: false, now: 1000, want: 0, alias });
    await on(H, 'one', 'sybil');
    await announce(b, { infoHash: J, peerId: 'binder', complete: false, now: 1000, want: 0, alias: H });
    expect(await on(J, 'two', 'sybil')).toMatchObject({ refused: 'second peer id' });
    expect(await on(H, 'two', 'sybil')).toMatchObject({ refused: 'second peer id' });
    // The same connection in two unbound swarms: a claim binding them is refused, from either side.
    await on(K, 'three', 'both');
    expect(await on(L, 'four', 'both', K)).not.toHaveProperty('alias');
    expect(await on(K, 'three', 'both', L)).not.toHaveProperty('alias');
    expect(await a.totals(1001)).toEqual({ swarms: 3, peers: 4, seeders: 0 });
  });

  it('drops peers not heard from within the timeout, and their swarm with the last one', async () => {
    const a = await directory('proc-a');
    await announce(a, { infoHash: IH, peerId: 'old', complete: false, now: 0, want: 0 });
    await announce(a, { infoHash: IH2, peerId: 'old2', complete: true, now: 0, want: 0 });
    const later = await announce(a, {
      infoHash: IH,
      peerId: 'new',
      complete: false,
      now: TIMEOUT + 1,
      want: 5,
    });
    expect(later.candidates).toEqual([]);
    expect(later).toMatchObject({ complete: 0, incomplete: 1 });
    expect(await a.totals(TIMEOUT + 1)).toEqual({ swarms: 1, peers: 1, seeders: 0 });
  });

  it('never picks peers of a process whose lease ran out (it died)', async () => {
    const a = await directory('proc-a');
    const b = await directory('proc-b', { leaseMs: 600 });
    await announce(b, { infoHash: IH, peerId: 'on-b', complete: true, now: 1000, want: 0 });
    expect(
      (await announce(a, { infoHash: IH, peerId: 'on-a', complete: false, now: 1001, want: 3 })).candidates,
    ).toEqual([{ peerId: 'on-b', process: 'proc-b' }]);
    // proc-b dies: no clean close, its lease is simply not renewed.
    clearInterval((b as unknown as { lease: ReturnType<typeof setInterval> }).lease);
    await new Promise((r) => setTimeout(r, 800));
    expect(
      (await announce(a, { infoHash: IH, peerId: 'on-a', complete: false, now: 1002, want: 3 })).candidates,
    ).toEqual([]);
  });

  it('delivers a message to the process that holds the peer', async () => {
    const a = await directory('proc-a');
    await directory('proc-b');
    const offer: ClusterMessage = {
      kind: 'offer',
      infoHash: IH,
      to: 'x',
      from: 'y',
      fromProcess: 'proc-a',
      offerId: 'o',
      offer: { type: 'offer', sdp: 'v=0' },
    };
    a.send('proc-b', offer);
    await until(() => inboxes.get('proc-b')!.length > 0, { timeoutMs: 5000, intervalMs: 10 });
    expect(inboxes.get('proc-b')).toEqual([offer]);
    expect(inboxes.get('proc-a')).toEqual([]);
  });

  it('fails fast while Redis is down, and reconnects (telling the process) when it is back', async () => {
    let reconnects = 0;
    const a = await directory('proc-a', { onReconnect: () => reconnects++ });
    const port = redis.port;
    await redis.stop();
    await expect(
      announce(a, { infoHash: IH, peerId: 'p', complete: false, now: 1, want: 1 }),
    ).rejects.toThrow();
    // The call can fail on the write before the client has seen the socket close: `up` follows within moments.
    await until(() => !a.up, { timeoutMs: 5_000, intervalMs: 20 });
    expect(a.up).toBe(false);
    redis = await startRedis(port);
    await until(() => reconnects > 0, { timeoutMs: 15_000, intervalMs: 50 });
    expect(reconnects).toBe(1);
    expect(a.up).toBe(true);
    const result = await announce(a, { infoHash: IH, peerId: 'p', complete: false, now: 2, want: 1 });
    expect(result).toMatchObject({ complete: 0, incomplete: 1 });
  }, 30_000);
});
