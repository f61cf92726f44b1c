import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseCli, USAGE } from './cli';
import { LIMIT_FLAGS } from './cli-limits';
import { coturnPeerFlags } from './coturn-flags';

const DEFAULT_LIMITS = Object.fromEntries(LIMIT_FLAGS.map((limit) => [limit.key, limit.fallback]));
const SECURITY_DEFAULTS = {
  statsToken: undefined,
  trustProxy: false,
  trustedProxies: '127.0.0.0/8,::1',
  limits: DEFAULT_LIMITS,
  redisUrl: undefined,
  workers: 1,
  processLeaseSeconds: 6,
  summaryIntervalSeconds: 60,
};
import { TestClient } from './test-client';

describe('parseCli', () => {
  it('reads the TURN relays, secret and credential lifetime, from flags or the environment', () => {
    expect(parseCli(['--turn-urls', 'turn:127.0.0.1:3478', '--turn-secret', 's'], {}).turn).toEqual({
      urls: ['turn:127.0.0.1:3478'],
      secret: 's',
      ttlSeconds: 3600,
      limits: { burst: 20, refillMs: 30_000, maxAddresses: 10_000 },
    });
    expect(
      parseCli(['--turn-burst', '5'], {
        TURN_URLS: 'turn:a:3478,turns:a:5349',
        TURN_SECRET: 'x',
        TURN_TTL: '600',
        TURN_REFILL: '2',
        TURN_ADDRESSES: '9',
      }).turn,
    ).toEqual({
      urls: ['turn:a:3478', 'turns:a:5349'],
      secret: 'x',
      ttlSeconds: 600,
      limits: { burst: 5, refillMs: 2000, maxAddresses: 9 },
    });
    expect(() => parseCli(['--turn-burst', '0', '--turn-urls', 'turn:a', '--turn-secret', 'x'], {})).toThrow(
      /--turn-burst/,
    );
    expect(parseCli([], {}).turn).toBeUndefined();
    expect(() => parseCli(['--turn-urls', 'turn:a:3478'], {})).toThrow(/needs --turn-secret/);
    expect(() => parseCli([], { TURN_SECRET: 'x' })).toThrow(/TURN_SECRET needs --turn-urls/);
    expect(() => parseCli(['--turn-urls', 'http://a', '--turn-secret', 'x'], {})).toThrow(/invalid TURN URL/);
  });

  it('reads the stats token, the proxy switch and every limit, from flags or the environment', () => {
    const config = parseCli(
      ['--stats-token', 'tok', '--trust-proxy', '--max-connections-per-address', '8', '--offer-ttl=20'],
      { MAX_PEERS_PER_SWARM: '40', MAX_CONNECTIONS_PER_ADDRESS: '9' },
    );
    expect(config).toMatchObject({ statsToken: 'tok', trustProxy: true });
    expect(config.limits).toEqual({
      ...DEFAULT_LIMITS,
      maxConnectionsPerAddress: 8,
      offerTtlSeconds: 20,
      maxPeersPerSwarm: 40,
    });
    expect(parseCli([], { STATS_TOKEN: 'env', TRUST_PROXY: '1' })).toMatchObject({
      statsToken: 'env',
      trustProxy: true,
    });
    expect(() => parseCli(['--max-pending-offers', '0'], {})).toThrow(/--max-pending-offers/);
    expect(() => parseCli([], { ANNOUNCE_TIMEOUT: 'soon' })).toThrow(/ANNOUNCE_TIMEOUT/);
    expect(() => parseCli([], { TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(parseCli(['--trust-proxy', '--trusted-proxies', '10.0.0.0/8, 192.0.2.7'], {}).trustedProxies).toBe(
      '10.0.0.0/8, 192.0.2.7',
    );
    expect(parseCli([], { TRUSTED_PROXIES: 'fd00::/8' }).trustedProxies).toBe('fd00::/8');
    expect(() => parseCli(['--trusted-proxies', '10.0.0.0/99'], {})).toThrow(/--trusted-proxies/);
    expect(() => parseCli([], { TRUSTED_PROXIES: 'proxy.example' })).toThrow(/TRUSTED_PROXIES/);
    // --help lists every limit with its variable and default.
    for (const limit of LIMIT_FLAGS) {
      expect(USAGE).toContain(`--${limit.flag} <n>`);
      expect(USAGE).toContain(`(${limit.variable}, default ${limit.fallback})`);
    }
  });

  it('reads the cluster settings: Redis, workers (which need Redis) and the process lease', () => {
    expect(
      parseCli(['--redis', 'redis://127.0.0.1:6379', '--workers', '2', '--process-lease', '3'], {}),
    ).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      workers: 2,
      processLeaseSeconds: 3,
    });
    expect(parseCli([], { REDIS_URL: 'redis://r:1', WORKERS: '4' })).toMatchObject({
      redisUrl: 'redis://r:1',
      workers: 4,
    });
    expect(() => parseCli(['--workers', '2'], {})).toThrow(/--workers needs --redis/);
    expect(() => parseCli(['--redis', 'http://r'], {})).toThrow(/invalid Redis URL/);
    expect(() => parseCli([], { WORKERS: '0' })).toThrow(/WORKERS/);
  });

  it('reads the summary interval from the flag or SUMMARY_INTERVAL', () => {
    expect(parseCli(['--summary-interval', '5'], { SUMMARY_INTERVAL: '7' }).summaryIntervalSeconds).toBe(5);
    expect(parseCli([], { SUMMARY_INTERVAL: '7' }).summaryIntervalSeconds).toBe(7);
    expect(() => parseCli(['--summary-interval', '0'], {})).toThrow(/--summary-interval/);
  });

  it('has the documented defaults', () => {
    expect(parseCli([], {})).toEqual({
      help: false,
      coturnFlags: false,
      port: 8000,
      host: undefined,
      intervalSeconds: 120,
      iceServers: [],
      turn: undefined,
      ...SECURITY_DEFAULTS,
    });
  });

  it('reads flags, and the environment when a flag is absent', () => {
    const ice =
      '[{"urls":["stun:a.example:3478"]},{"urls":"turn:b.example","username":"u","credential":"c"}]';
    expect(
      parseCli(['--port', '9000', '--host', '127.0.0.1', '--interval', '30', '--ice-servers', ice], {}),
    ).toEqual({
      help: false,
      coturnFlags: false,
      port: 9000,
      host: '127.0.0.1',
      intervalSeconds: 30,
      iceServers: JSON.parse(ice),
      turn: undefined,
      ...SECURITY_DEFAULTS,
    });
    const env = { PORT: '7000', HOST: '::1', TRACKER_INTERVAL: '60', ICE_SERVERS: '[{"urls":"stun:x"}]' };
    expect(parseCli([], env)).toEqual({
      help: false,
      coturnFlags: false,
      port: 7000,
      host: '::1',
      intervalSeconds: 60,
      iceServers: [{ urls: 'stun:x' }],
      turn: undefined,
      ...SECURITY_DEFAULTS,
    });
    expect(parseCli(['--port=7100'], env).port).toBe(7100);
    expect(parseCli(['--help'], {}).help).toBe(true);
  });

  it('rejects bad values with a message naming the source', () => {
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(/invalid port "abc" \(--port\)/);
    expect(() => parseCli([], { PORT: '70000' })).toThrow(/PORT/);
    expect(() => parseCli(['--interval', '0'], {})).toThrow(/invalid interval/);
    expect(() => parseCli([], { ICE_SERVERS: '{' })).toThrow(/ICE_SERVERS.*not JSON/);
    expect(() => parseCli(['--ice-servers', '{}'], {})).toThrow(/not a JSON array/);
    expect(() => parseCli(['--ice-servers', '[{"url":"stun:x"}]'], {})).toThrow(/entry 0 needs "urls"/);
    expect(() => parseCli(['--verbose'], {})).toThrow();
  });
});

describe('node signal-tracker (main)', () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));

  function run(args: string[]) {
    return spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('prints one start line with the URL, serves, and exits cleanly on SIGTERM', async () => {
    const child = run(['--port', '0', '--host', '127.0.0.1', '--interval', '30']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(first)?.[1];
    expect(first).toMatch(/announce interval 30 s/);
    expect(url).toBeDefined();
    const health = await fetch(new URL('/health', url));
    expect(await health.text()).toBe('ok\n');
    const peer = await TestClient.open(url!.replace(/^http/, 'ws'));
    expect(await peer.request({ action: 'scrape' })).toMatchObject({ action: 'scrape' });
    child.kill('SIGTERM');
    expect(await peer.closed).toMatchObject({ code: 1001 });
    expect(await exited).toBe(0);
  });

  it('prints usage for --help and fails on a bad flag', async () => {
    const help = run(['--help']);
    let out = '';
    help.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    expect(await new Promise((resolve) => help.on('exit', resolve))).toBe(0);
    expect(out).toMatch(/--port <n>[\s\S]*--ice-servers/);
    const bad = run(['--port', 'x']);
    let err = '';
    bad.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await new Promise((resolve) => bad.on('exit', resolve))).toBe(2);
    expect(err).toMatch(/invalid port/);
  });

  it('prints the coturn flags of the deployment guide for --coturn-flags, one a line', async () => {
    const child = run(['--coturn-flags']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    expect(out.trim().split('\n')).toEqual(coturnPeerFlags());
  });
});
