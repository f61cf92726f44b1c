// Command-line flags and environment variables of `node signal-tracker`.
import { parseArgs } from 'node:util';
import { DEFAULT_TRUSTED_PROXIES, parseTrustedProxies } from './client-address';
import { DEFAULT_TURN_TTL_SECONDS, parseTurnUrls, type TurnConfig } from './turn';

/** The limits a stranger runs into, each a flag and an environment variable (see docs/security.md). */
export interface CliLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxMessagesPerSecond: number;
  maxMessagesPerSecondPerAddress: number;
  maxSwarmsPerConnection: number;
  maxPeersPerSwarm: number;
  maxPendingOffersPerConnection: number;
  offerTtlSeconds: number;
  announceTimeoutSeconds: number;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  maxUnfinishedRequests: number;
  maxUnfinishedRequestsPerAddress: number;
  headerTimeoutSeconds: number;
  maxSdpBytes: number;
  maxOffersPerSecondPerRecipient: number;
  maxOffersPerSecondPerSender: number;
  maxRelayBacklogBytes: number;
  maxBytesPerSecond: number;
  maxBytesPerSecondPerAddress: number;
}

interface LimitFlag {
  key: keyof CliLimits;
  flag: string;
  variable: string;
  fallback: number;
  help: string;
}

export const LIMIT_FLAGS: LimitFlag[] = [
  {
    key: 'maxConnections',
    flag: 'max-connections',
    variable: 'MAX_CONNECTIONS',
    fallback: 10_000,
    help: 'open WebSocket connections in all',
  },
  {
    key: 'maxConnectionsPerAddress',
    flag: 'max-connections-per-address',
    variable: 'MAX_CONNECTIONS_PER_ADDRESS',
    fallback: 256,
    help: 'open connections from one IPv4 address or IPv6 /64',
  },
  {
    key: 'maxMessagesPerSecond',
    flag: 'max-messages-per-second',
    variable: 'MAX_MESSAGES_PER_SECOND',
    fallback: 50,
    help: 'messages per second on one connection; more closes it',
  },
  {
    key: 'maxMessagesPerSecondPerAddress',
    flag: 'max-messages-per-second-per-address',
    variable: 'MAX_MESSAGES_PER_SECOND_PER_ADDRESS',
    fallback: 500,
    help: 'messages per second from one address, all its connections together',
  },
  {
    key: 'maxSwarmsPerConnection',
    flag: 'max-swarms-per-connection',
    variable: 'MAX_SWARMS_PER_CONNECTION',
    fallback: 200,
    help: 'swarms one connection may join',
  },
  {
    key: 'maxPeersPerSwarm',
    flag: 'max-peers-per-swarm',
    variable: 'MAX_PEERS_PER_SWARM',
    fallback: 5000,
    help: 'peers in one swarm',
  },
  {
    key: 'maxPendingOffersPerConnection',
    flag: 'max-pending-offers',
    variable: 'MAX_PENDING_OFFERS',
    fallback: 100,
    help: 'offers relayed to one connection awaiting its answer',
  },
  {
    key: 'offerTtlSeconds',
    flag: 'offer-ttl',
    variable: 'OFFER_TTL',
    fallback: 50,
    help: 'seconds an offer can be answered',
  },
  {
    key: 'announceTimeoutSeconds',
    flag: 'announce-timeout',
    variable: 'ANNOUNCE_TIMEOUT',
    fallback: 30,
    help: 'seconds a new connection has to announce before it is closed',
  },
  {
    key: 'maxFrameBytes',
    flag: 'max-frame-bytes',
    variable: 'MAX_FRAME_BYTES',
    fallback: 65_536,
    help: 'largest WebSocket message accepted',
  },
  {
    key: 'maxBufferedBytes',
    flag: 'max-buffered-bytes',
    variable: 'MAX_BUFFERED_BYTES',
    fallback: 262_144,
    help: 'unsent bytes to one connection before it is closed as a slow reader',
  },
  {
    key: 'maxUnfinishedRequests',
    flag: 'max-unfinished-requests',
    variable: 'MAX_UNFINISHED_REQUESTS',
    fallback: 1024,
    help: 'connections, from all addresses, that have not finished their request headers',
  },
  {
    key: 'maxUnfinishedRequestsPerAddress',
    flag: 'max-unfinished-requests-per-address',
    variable: 'MAX_UNFINISHED_REQUESTS_PER_ADDRESS',
    fallback: 32,
    help: 'the same from one address (not counted per address with --trust-proxy)',
  },
  {
    key: 'headerTimeoutSeconds',
    flag: 'header-timeout',
    variable: 'HEADER_TIMEOUT',
    fallback: 10,
    help: 'seconds a new connection has to send its request headers before it is closed',
  },
  {
    key: 'maxSdpBytes',
    flag: 'max-sdp-bytes',
    variable: 'MAX_SDP_BYTES',
    fallback: 16_384,
    help: "longest SDP in an offer or answer (a browser's is under 6 KB)",
  },
  {
    key: 'maxOffersPerSecondPerRecipient',
    flag: 'max-offers-per-second-per-recipient',
    variable: 'MAX_OFFERS_PER_SECOND_PER_RECIPIENT',
    fallback: 20,
    help: 'offers relayed to one connection per second; more go to other peers',
  },
  {
    key: 'maxOffersPerSecondPerSender',
    flag: 'max-offers-per-second-per-sender',
    variable: 'MAX_OFFERS_PER_SECOND_PER_SENDER',
    fallback: 5,
    help: 'offers relayed to one connection per second from one sender address; more go to other peers',
  },
  {
    key: 'maxRelayBacklogBytes',
    flag: 'max-relay-backlog-bytes',
    variable: 'MAX_RELAY_BACKLOG_BYTES',
    fallback: 65_536,
    help: 'unsent bytes past which a connection gets no relayed offer (it goes to another peer)',
  },
  {
    key: 'maxBytesPerSecond',
    flag: 'max-bytes-per-second',
    variable: 'MAX_BYTES_PER_SECOND',
    fallback: 262_144,
    help: 'bytes per second on one connection; more closes it',
  },
  {
    key: 'maxBytesPerSecondPerAddress',
    flag: 'max-bytes-per-second-per-address',
    variable: 'MAX_BYTES_PER_SECOND_PER_ADDRESS',
    fallback: 1_048_576,
    help: 'bytes per second from one address, all its connections together',
  },
];

function limitUsage(): string {
  return LIMIT_FLAGS.map((limit) => {
    return `  --${limit.flag} <n>\n      ${limit.help} (${limit.variable}, default ${limit.fallback})`;
  }).join('\n');
}

const USAGE_TEXT = `Usage: node signal-tracker [options]

Starts the WebSocket tracker (WebTorrent protocol), the WebRTC signalling relay and the web app on one port.

Options (each also read from the environment variable in brackets; flags win):
  --port <n>            TCP port to listen on (PORT, default 8000)
  --host <address>      interface to listen on, e.g. 127.0.0.1 (HOST, default all interfaces)
  --interval <seconds>  announce interval told to clients; silent peers are dropped after two
                        intervals plus a grace (TRACKER_INTERVAL, default 120)
  --ice-servers <json>  ICE servers for the app, served at /config.json, e.g.
                        '[{"urls":"stun:stun.example.org:3478"}]' (ICE_SERVERS, default [])
  --turn-urls <urls>    TURN servers (coturn) to hand out with short-lived credentials at /config.json,
                        comma separated, e.g. turn:turn.example.org:3478,turns:turn.example.org:5349
                        (TURN_URLS); needs --turn-secret
  --turn-secret <s>     the shared secret of coturn's use-auth-secret (TURN_SECRET); never sent to clients
  --turn-ttl <seconds>  how long handed-out TURN credentials stay valid (TURN_TTL, default 43200 = 12 h)
  --stats-token <t>     /stats and /stats.json list every swarm and peer only to requests with
                        "Authorization: Bearer <t>" (STATS_TOKEN); everyone else sees totals
  --trust-proxy         take the client's address from the last X-Forwarded-For entry and the scheme from
                        X-Forwarded-Proto: only behind your own reverse proxy (TRUST_PROXY=1)
  --trusted-proxies <l> with --trust-proxy, the proxies whose X-Forwarded-For is believed: addresses and
                        CIDRs, comma separated (TRUSTED_PROXIES, default 127.0.0.0/8,::1); a request from
                        any other address counts as its own
  --redis <url>         share swarms with every other tracker process on the same Redis, e.g.
                        redis://127.0.0.1:6379 (REDIS_URL); without it, one process keeps everything in memory
  --workers <n>         start n processes on this port (Node's cluster), coordinated through --redis
                        (WORKERS, default 1)
  --process-lease <s>   seconds a process's lease in Redis lasts: the peers of a process that died are not
                        offered to others after it (PROCESS_LEASE, default 6)
  --summary-interval <s>  seconds between the one-line summaries on stdout (SUMMARY_INTERVAL, default 60)
  --help                show this help

Limits (see docs/security.md):
@LIMITS@

Behind a TLS reverse proxy, browsers reach the tracker as wss://<host>/ and the app as https://<host>/.`;

export const USAGE = USAGE_TEXT.replace('@LIMITS@', limitUsage());

export interface CliConfig {
  help: boolean;
  port: number;
  host: string | undefined;
  intervalSeconds: number;
  iceServers: unknown[];
  /** TURN relays to hand out credentials for, or undefined. */
  turn: TurnConfig | undefined;
  statsToken: string | undefined;
  trustProxy: boolean;
  /** With trustProxy, the proxies believed (addresses and CIDRs, comma separated). */
  trustedProxies: string;
  limits: CliLimits;
  /** Redis URL of the cluster, or undefined for one process in memory. */
  redisUrl: string | undefined;
  workers: number;
  processLeaseSeconds: number;
  /** Seconds between the one-line summaries on stdout. */
  summaryIntervalSeconds: number;
}

function parseLimit(text: string, source: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > 1e12)
    throw new Error(`invalid limit ${JSON.stringify(text)} (${source}): a whole number of at least 1`);
  return value;
}

function parseBoolean(text: string, source: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new Error(`invalid switch ${JSON.stringify(text)} (${source}): 1 or 0`);
}

function parsePort(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new Error(`invalid port ${JSON.stringify(text)} (${source})`);
  return port;
}

function parseInterval(text: string, source: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new Error(`invalid interval ${JSON.stringify(text)} (${source}): seconds between 0 and 86400`);
  }
  return seconds;
}

function parseIceServers(text: string, source: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`invalid ICE servers (${source}): not JSON`);
  }
  if (!Array.isArray(value)) throw new Error(`invalid ICE servers (${source}): not a JSON array`);
  value.forEach((server: unknown, i) => {
    const urls = (server as { urls?: unknown } | null)?.urls;
    const valid =
      typeof urls === 'string' || (Array.isArray(urls) && urls.every((url) => typeof url === 'string'));
    if (typeof server !== 'object' || server === null || !valid) {
      throw new Error(`invalid ICE servers (${source}): entry ${i} needs "urls" (a string or strings)`);
    }
  });
  return value;
}

export function parseCli(argv: string[], env: Record<string, string | undefined>): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      interval: { type: 'string' },
      'ice-servers': { type: 'string' },
      'turn-urls': { type: 'string' },
      'turn-secret': { type: 'string' },
      'turn-ttl': { type: 'string' },
      'stats-token': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'trusted-proxies': { type: 'string' },
      redis: { type: 'string' },
      workers: { type: 'string' },
      'process-lease': { type: 'string' },
      'summary-interval': { type: 'string' },
      ...Object.fromEntries(LIMIT_FLAGS.map((limit) => [limit.flag, { type: 'string' as const }])),
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const pick = (flag: string | undefined, name: string, variable: string) =>
    flag !== undefined
      ? { text: flag, source: `--${name}` }
      : env[variable] !== undefined && env[variable] !== ''
        ? { text: env[variable]!, source: variable }
        : null;
  const port = pick(values.port, 'port', 'PORT');
  const host = pick(values.host, 'host', 'HOST');
  const interval = pick(values.interval, 'interval', 'TRACKER_INTERVAL');
  const ice = pick(values['ice-servers'], 'ice-servers', 'ICE_SERVERS');
  const turnUrls = pick(values['turn-urls'], 'turn-urls', 'TURN_URLS');
  const turnSecret = pick(values['turn-secret'], 'turn-secret', 'TURN_SECRET');
  const turnTtl = pick(values['turn-ttl'], 'turn-ttl', 'TURN_TTL');
  if (turnUrls && !turnSecret) throw new Error(`${turnUrls.source} needs --turn-secret (or TURN_SECRET)`);
  if (turnSecret && !turnUrls) throw new Error(`${turnSecret.source} needs --turn-urls (or TURN_URLS)`);
  const turn =
    turnUrls && turnSecret
      ? {
          urls: parseTurnUrls(turnUrls.text, turnUrls.source),
          secret: turnSecret.text,
          ttlSeconds: turnTtl ? parseInterval(turnTtl.text, turnTtl.source) : DEFAULT_TURN_TTL_SECONDS,
        }
      : undefined;
  const statsToken = pick(flags['stats-token'] as string | undefined, 'stats-token', 'STATS_TOKEN');
  const trustProxyEnv = pick(undefined, 'trust-proxy', 'TRUST_PROXY');
  const proxies = pick(flags['trusted-proxies'] as string | undefined, 'trusted-proxies', 'TRUSTED_PROXIES');
  if (proxies) parseTrustedProxies(proxies.text, proxies.source); // throws on a bad entry
  const redis = pick(flags.redis as string | undefined, 'redis', 'REDIS_URL');
  const workers = pick(flags.workers as string | undefined, 'workers', 'WORKERS');
  const lease = pick(flags['process-lease'] as string | undefined, 'process-lease', 'PROCESS_LEASE');
  const summary = pick(
    flags['summary-interval'] as string | undefined,
    'summary-interval',
    'SUMMARY_INTERVAL',
  );
  if (redis && !/^rediss?:\/\//.test(redis.text))
    throw new Error(`invalid Redis URL ${JSON.stringify(redis.text)} (${redis.source}): redis://host:port`);
  const workerCount = workers ? parseLimit(workers.text, workers.source) : 1;
  if (workerCount > 1 && !redis) throw new Error(`${workers!.source} needs --redis (or REDIS_URL)`);
  if (workerCount > 256)
    throw new Error(`invalid limit ${workerCount} (${workers!.source}): at most 256 workers`);
  const limits = {} as CliLimits;
  for (const limit of LIMIT_FLAGS) {
    const given = pick(flags[limit.flag] as string | undefined, limit.flag, limit.variable);
    limits[limit.key] = given ? parseLimit(given.text, given.source) : limit.fallback;
  }
  return {
    help: values.help ?? false,
    port: port ? parsePort(port.text, port.source) : 8000,
    host: host?.text,
    intervalSeconds: interval ? parseInterval(interval.text, interval.source) : 120,
    iceServers: ice ? parseIceServers(ice.text, ice.source) : [],
    turn,
    statsToken: statsToken?.text,
    trustProxy:
      flags['trust-proxy'] === true ||
      (trustProxyEnv ? parseBoolean(trustProxyEnv.text, trustProxyEnv.source) : false),
    trustedProxies: proxies?.text ?? DEFAULT_TRUSTED_PROXIES,
    limits,
    redisUrl: redis?.text,
    workers: workerCount,
    processLeaseSeconds: lease ? parseInterval(lease.text, lease.source) : 6,
    summaryIntervalSeconds: summary ? parseInterval(summary.text, summary.source) : 60,
  };
}
