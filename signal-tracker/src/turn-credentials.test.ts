// A script asking /config.json for TURN credentials in a loop: real HTTP on loopback, 3,000 requests from one address
// over a few kept-alive connections, the honest client on another address (127.0.0.2).
import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from './server';
import { trackerHarness } from './testing/harness';
import { DEFAULT_TURN_TTL_SECONDS } from './turn';
import { DEFAULT_CREDENTIAL_LIMITS } from './turn-limits';

const { server } = trackerHarness();
const REQUESTS = 3000;
/** 3,000 requests through a server in this same process take about 2 s alone, more beside other tests. */
const ATTACK_TIMEOUT_MS = 20_000;
/** Requests under way at once, each on its own kept-alive connection. */
const PARALLEL = 20;
const TURN = { urls: ['turn:127.0.0.1:3478'], secret: 'loop-secret', ttlSeconds: DEFAULT_TURN_TTL_SECONDS };

interface ConfigReply {
  status: number;
  retryAfter: string | undefined;
  body: { iceServers: Array<{ urls: unknown; username?: string }>; relay?: boolean; error?: string };
}

function config(running: RunningServer, agent: Agent, localAddress: string): Promise<ConfigReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: running.port, path: '/config.json', agent, localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body: JSON.parse(text) as ConfigReply['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('TURN credentials per address', () => {
  it(
    `hands one address its burst of ${REQUESTS} asked for, then 429 in words, and others theirs`,
    async () => {
      const stun = { urls: 'stun:127.0.0.1:3478' };
      const running = await server({ iceServers: [stun], turn: TURN });
      const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL, localAddress: '127.0.0.1' });
      const replies: ConfigReply[] = [];
      const started = Date.now();
      for (let sent = 0; sent < REQUESTS; sent += PARALLEL) {
        const batch = Array.from({ length: PARALLEL }, () => config(running, agent, '127.0.0.1'));
        replies.push(...(await Promise.all(batch)));
      }
      const refills = Math.floor((Date.now() - started) / DEFAULT_CREDENTIAL_LIMITS.refillMs) + 1;
      agent.destroy();
      const granted = replies.filter((reply) => reply.status === 200);
      // The burst, and one more for each refill the loop's run lasted.
      expect(granted.length).toBeGreaterThanOrEqual(DEFAULT_CREDENTIAL_LIMITS.burst);
      expect(granted.length).toBeLessThanOrEqual(DEFAULT_CREDENTIAL_LIMITS.burst + refills);
      const refused = replies.filter((reply) => reply.status === 429);
      expect(refused.length).toBe(REQUESTS - granted.length);
      expect(Number(refused[0].retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused[0].body).toEqual({
        iceServers: [stun],
        relay: true,
        error: expect.stringMatching(/^Too many relay credentials .* try again in \d+ s\.$/),
      });
      expect(refused.every((reply) => reply.body.iceServers.every((server) => !server.username))).toBe(true);

      const honestAgent = new Agent({ keepAlive: false });
      const honest = await config(running, honestAgent, '127.0.0.2');
      expect(honest.status).toBe(200);
      expect(honest.body.iceServers[1]?.username).toMatch(/^\d+:/);
    },
    ATTACK_TIMEOUT_MS,
  );

  it('hands out credentials valid for an hour by default, and tells the tab to refresh at half that', async () => {
    const running = await server({ turn: TURN });
    const reply = await config(running, new Agent({ keepAlive: false }), '127.0.0.3');
    const expiry = Number(reply.body.iceServers[0].username!.split(':')[0]);
    expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(3600);
    expect(expiry - Date.now() / 1000).toBeGreaterThan(3500);
    expect(reply.body).toMatchObject({ relay: true, refreshSeconds: 1800 });
  });
});
