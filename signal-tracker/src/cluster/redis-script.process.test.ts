// A script called by its SHA-1 against a real redis-server: the script's text crosses once, and again only after
// Redis forgot it.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryAvailable, REDIS_SERVER, startRedis, type Daemon } from '../testing/daemons';
import { RedisScript } from './redis-script';

/** How many times Redis ran each of EVAL and EVALSHA since the last CONFIG RESETSTAT. */
async function calls(redis: Redis): Promise<{ eval: number; evalsha: number }> {
  const info = await redis.info('commandstats');
  const count = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return { eval: count('eval'), evalsha: count('evalsha') };
}

describe.skipIf(!binaryAvailable(REDIS_SERVER))('RedisScript (real redis-server)', () => {
  let daemon: Daemon;
  let redis: Redis;

  beforeAll(async () => {
    daemon = await startRedis();
    redis = new Redis(`redis://127.0.0.1:${daemon.port}`);
  });
  afterAll(async () => {
    redis.disconnect();
    await daemon.stop();
  });

  it('sends the script once, then only its SHA-1, and once more after Redis forgot it', async () => {
    const script = new RedisScript(`return {ARGV[1], tonumber(ARGV[2]) + 1}`);
    await redis.config('RESETSTAT');
    for (let i = 0; i < 5; i++) expect(await script.run(redis, 'a', i)).toEqual(['a', i + 1]);
    // The first EVALSHA meets NOSCRIPT, then EVAL loads the script.
    expect(await calls(redis)).toEqual({ eval: 1, evalsha: 5 });
    await redis.script('FLUSH');
    await redis.config('RESETSTAT');
    expect(await script.run(redis, 'b', 1)).toEqual(['b', 2]);
    expect(await script.run(redis, 'c', 2)).toEqual(['c', 3]);
    expect(await calls(redis)).toEqual({ eval: 1, evalsha: 2 });
  });

  it("passes on the script's own errors", async () => {
    const script = new RedisScript(`return redis.error_reply('refused: ' .. ARGV[1])`);
    await expect(script.run(redis, 'x')).rejects.toThrow('refused: x');
  });
});
