// A Lua script called by its SHA-1 (EVALSHA): a call carries its arguments, not the script's text, so neither side
// sends, parses or hashes kilobytes of Lua per announce. Redis forgets its scripts when it restarts (or on SCRIPT
// FLUSH): the call that meets NOSCRIPT is sent once more with EVAL, which loads the script again.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class RedisScript {
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Runs the script (no KEYS, `args` as ARGV) and resolves with its reply. */
  run(redis: Redis, ...args: Array<string | number>): Promise<unknown> {
    return redis.evalsha(this.sha, 0, ...args).catch((error: unknown) => {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.lua, 0, ...args);
    });
  }
}
