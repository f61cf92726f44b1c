import { describe, expect, it } from 'vitest';
import { optionSource, parseBoolean, parseLimit, parseRedisUrl } from './cli-values';

describe('optionSource', () => {
  it('takes the flag first, then a non-empty environment variable, naming where the text came from', () => {
    const given = optionSource(
      { port: '9000', 'trust-proxy': true },
      { PORT: '1', HOST: '', REDIS_URL: 'redis://r' },
    );
    expect(given('port', 'PORT')).toEqual({ text: '9000', source: '--port' });
    expect(given('host', 'HOST')).toBeNull();
    expect(given('redis', 'REDIS_URL')).toEqual({ text: 'redis://r', source: 'REDIS_URL' });
    // A switch's flag has no text: its variable is read.
    expect(given('trust-proxy', 'TRUST_PROXY')).toBeNull();
  });
});

describe('the value parsers', () => {
  it('name the source in their errors', () => {
    expect(parseLimit('12', 'X')).toBe(12);
    expect(() => parseLimit('0', '--max-x')).toThrow(/invalid limit "0" \(--max-x\)/);
    expect(parseBoolean('yes', 'S')).toBe(true);
    expect(parseBoolean('off', 'S')).toBe(false);
    expect(() => parseBoolean('maybe', 'SWITCH')).toThrow(/SWITCH/);
    expect(parseRedisUrl('rediss://h:1', 'R')).toBe('rediss://h:1');
    expect(() => parseRedisUrl('http://h', '--redis')).toThrow(/invalid Redis URL "http:\/\/h" \(--redis\)/);
  });
});
