import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTurnUrls, turnCredentials } from './turn';

describe('turnCredentials', () => {
  const config = { urls: ['turn:127.0.0.1:3478'], secret: 's3cret', ttlSeconds: 3600 };

  it('makes coturn REST-API credentials: <expiry>:<random>, and the base64 HMAC-SHA1 of it under the secret', () => {
    const server = turnCredentials(config, 1_700_000_000_500, () => 'abc');
    expect(server.urls).toEqual(['turn:127.0.0.1:3478']);
    expect(server.username).toBe(`${1_700_000_000 + 3600}:abc`);
    const expected = createHmac('sha1', 's3cret').update(server.username).digest('base64');
    expect(server.credential).toBe(expected);
    expect(JSON.stringify(server)).not.toContain('s3cret');
  });

  it('gives every client its own username', () => {
    const a = turnCredentials(config, 0);
    const b = turnCredentials(config, 0);
    expect(a.username).not.toBe(b.username);
    expect(a.credential).not.toBe(b.credential);
  });
});

describe('parseTurnUrls', () => {
  it('takes turn: and turns: URLs, comma separated', () => {
    expect(parseTurnUrls('turn:relay.example.org:3478, turns:relay.example.org:5349', '--turn-urls')).toEqual(
      ['turn:relay.example.org:3478', 'turns:relay.example.org:5349'],
    );
    expect(parseTurnUrls('turn:127.0.0.1:3478?transport=tcp', 'TURN_URLS')).toEqual([
      'turn:127.0.0.1:3478?transport=tcp',
    ]);
  });

  it('refuses other schemes and empty lists, naming the source', () => {
    expect(() => parseTurnUrls('stun:x:3478', '--turn-urls')).toThrow(/--turn-urls/);
    expect(() => parseTurnUrls('https://x', 'TURN_URLS')).toThrow(/TURN_URLS/);
    expect(() => parseTurnUrls(' , ', '--turn-urls')).toThrow(/none given/);
  });
});
