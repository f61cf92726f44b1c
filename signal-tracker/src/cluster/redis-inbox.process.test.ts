// The processes' inboxes on a real redis-server: what one turn sends to a process crosses in one PUBLISH, and what
// else reaches an inbox is refused.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../shared/testing/until';
import { binaryAvailable, REDIS_SERVER, startRedis, type Daemon } from '../testing/daemons';
import type { ClusterMessage } from './directory';
import { encodeBatches, MAX_BATCH_BYTES } from './message-codec';
import { RedisDirectory } from './redis-directory';

const offer = (n: number): ClusterMessage => ({
  kind: 'offer',
  infoHash: 'h'.repeat(19) + String.fromCharCode(0xe0 + n),
  to: `to-${n}`,
  from: `from-${n}`,
  fromProcess: 'proc-a',
  fromAddress: '127.0.0.1',
  offerId: `offer-${n}`,
  offer: { type: 'offer', sdp: `v=0\r\no=- ${n} 2 IN IP4 127.0.0.1\r\n` },
});

describe.skipIf(!binaryAvailable(REDIS_SERVER))('cluster inboxes (real redis-server)', () => {
  let daemon: Daemon;
  let redis: Redis;
  let a: RedisDirectory;
  let b: RedisDirectory;
  const received: ClusterMessage[] = [];

  beforeAll(async () => {
    daemon = await startRedis();
    const url = `redis://127.0.0.1:${daemon.port}`;
    redis = new Redis(url);
    const options = { url, peerTimeoutMs: 60_000 };
    a = new RedisDirectory({ ...options, process: 'proc-a', onMessage: () => {} });
    b = new RedisDirectory({ ...options, process: 'proc-b', onMessage: (m) => received.push(m) });
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    redis.disconnect();
    await daemon.stop();
  });

  it("sends a turn's offers and answers to one process in one PUBLISH, each delivered in order", async () => {
    received.length = 0;
    await redis.config('RESETSTAT');
    const messages = Array.from({ length: 20 }, (_, n) => offer(n));
    for (const message of messages) a.send('proc-b', message);
    await until(() => received.length >= messages.length, { timeoutMs: 5000, intervalMs: 10 });
    expect(received).toEqual(messages);
    expect(/cmdstat_publish:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1]).toBe('1');
  });

  it('refuses whatever else reaches an inbox, whole, and goes on delivering', async () => {
    received.length = 0;
    const [valid] = encodeBatches([offer(1), offer(2)]).batches;
    const garbage = [
      JSON.stringify(offer(3)),
      Buffer.from([1, 0x6f, 0xff, 0xff, 0xff, 0xff]),
      valid.subarray(0, valid.length - 1),
      Buffer.concat([valid, Buffer.from([0x7a])]),
      Buffer.concat([valid, Buffer.alloc(MAX_BATCH_BYTES)]),
    ];
    for (const data of garbage) await redis.publish('sd:inbox:proc-b', data);
    a.send('proc-b', offer(4));
    await until(() => received.length > 0, { timeoutMs: 5000, intervalMs: 10 });
    expect(received).toEqual([offer(4)]);
  });

  it('refuses a process id longer than an inbox message can name', () => {
    expect(
      () => new RedisDirectory({ url: '', peerTimeoutMs: 1, process: 'p'.repeat(513), onMessage: () => {} }),
    ).toThrow(/process id is too long/);
  });
});
