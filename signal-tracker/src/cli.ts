// Command-line flags and environment variables of `node signal-tracker`.
import { parseArgs } from 'node:util';
import { DEFAULT_TRUSTED_PROXIES, parseTrustedProxies } from './client-address';
import { LIMIT_FLAGS, limitUsage, readLimits, type CliLimits } from './cli-limits';
import {
  optionSource,
  parseBoolean,
  parseIceServers,
  parseInterval,
  parseLimit,
  parsePort,
  parseRedisUrl,
  type OptionSource,
} from './cli-values';
import { KEEP_FLAGS, KEEP_USAGE, readKeeper } from './keeper/keep-cli';
import type { KeeperServerOptions } from './keeper/keeper-service';
import { DEFAULT_TURN_TTL_SECONDS, parseTurnUrls, type TurnConfig } from './turn';
import { DEFAULT_CREDENTIAL_LIMITS, type CredentialLimits } from './turn-limits';

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
  --turn-ttl <seconds>  how long handed-out TURN credentials stay valid (TURN_TTL, default 3600 = 1 h);
                        the app fetches a fresh one every half of it
  --turn-burst <n>      TURN credentials one address may get at once (TURN_BURST, default 20); past it,
                        /config.json answers 429 with Retry-After
  --turn-refill <s>     seconds until an address may get one more (TURN_REFILL, default 30)
  --turn-addresses <n>  addresses whose credentials are counted at once (TURN_ADDRESSES, default
                        10000); with all taken, a new address waits until one's count is back to the burst
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
  --coturn-flags        print the coturn flags that keep a relay off loopback, private and link-local
                        addresses, with quotas (docs/deploying.md), and exit
  --help                show this help

@KEEP@

Limits (see docs/security.md):
@LIMITS@

Behind a TLS reverse proxy, browsers reach the tracker as wss://<host>/ and the app as https://<host>/.`;

export const USAGE = USAGE_TEXT.replace('@LIMITS@', limitUsage()).replace('@KEEP@', KEEP_USAGE);

export interface CliConfig {
  help: boolean;
  /** Print the recommended coturn flags and exit. */
  coturnFlags: boolean;
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
  /** The keeper (--keep-dir), or undefined. */
  keeper: KeeperServerOptions | undefined;
}

/** One option with a flag and an environment variable: how its text is read, and its value when neither is given. */
interface OptionSpec<T> {
  flag: string;
  variable: string;
  parse: (text: string, source: string) => T;
  fallback: T;
}

const text = (value: string) => value;

const PORT: OptionSpec<number> = { flag: 'port', variable: 'PORT', parse: parsePort, fallback: 8000 };
const HOST: OptionSpec<string | undefined> = {
  flag: 'host',
  variable: 'HOST',
  parse: text,
  fallback: undefined,
};
const INTERVAL: OptionSpec<number> = {
  flag: 'interval',
  variable: 'TRACKER_INTERVAL',
  parse: parseInterval,
  fallback: 120,
};
const ICE_SERVERS: OptionSpec<unknown[] | undefined> = {
  flag: 'ice-servers',
  variable: 'ICE_SERVERS',
  parse: parseIceServers,
  fallback: undefined,
};
const STATS_TOKEN: OptionSpec<string | undefined> = {
  flag: 'stats-token',
  variable: 'STATS_TOKEN',
  parse: text,
  fallback: undefined,
};
/** The switch's flag is a boolean (parseArgs reads it); this spec reads its environment variable. */
const TRUST_PROXY: OptionSpec<boolean> = {
  flag: 'trust-proxy',
  variable: 'TRUST_PROXY',
  parse: parseBoolean,
  fallback: false,
};
const TRUSTED_PROXIES: OptionSpec<string> = {
  flag: 'trusted-proxies',
  variable: 'TRUSTED_PROXIES',
  parse: (value, source) => {
    parseTrustedProxies(value, source); // throws on a bad entry
    return value;
  },
  fallback: DEFAULT_TRUSTED_PROXIES,
};
const REDIS: OptionSpec<string | undefined> = {
  flag: 'redis',
  variable: 'REDIS_URL',
  parse: parseRedisUrl,
  fallback: undefined,
};
const PROCESS_LEASE: OptionSpec<number> = {
  flag: 'process-lease',
  variable: 'PROCESS_LEASE',
  parse: parseInterval,
  fallback: 6,
};
const SUMMARY_INTERVAL: OptionSpec<number> = {
  flag: 'summary-interval',
  variable: 'SUMMARY_INTERVAL',
  parse: parseInterval,
  fallback: 60,
};

/** The flags that take a value (every other is a switch: --trust-proxy, --help). */
const VALUE_FLAGS = [
  ...[
    PORT,
    HOST,
    INTERVAL,
    ICE_SERVERS,
    STATS_TOKEN,
    TRUSTED_PROXIES,
    REDIS,
    PROCESS_LEASE,
    SUMMARY_INTERVAL,
  ],
  ...LIMIT_FLAGS,
].map((option) => option.flag);

/** The flags given, checked against the known ones (an unknown flag or a missing value throws). */
function parseFlags(argv: string[]): Record<string, string | boolean | undefined> {
  const valued = [...TURN_FLAGS, ...KEEP_FLAGS, 'workers', ...VALUE_FLAGS];
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(valued.map((flag) => [flag, { type: 'string' as const }])),
      'trust-proxy': { type: 'boolean' },
      'coturn-flags': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  return values;
}

/** An option's value: parsed from its flag or variable, else its fallback. */
function read<T>(given: OptionSource, option: OptionSpec<T>): T {
  const found = given(option.flag, option.variable);
  return found ? option.parse(found.text, found.source) : option.fallback;
}

const TURN_FLAGS = ['turn-urls', 'turn-secret', 'turn-ttl', 'turn-burst', 'turn-refill', 'turn-addresses'];

/** How many credentials one address may get, from the flags or variables, else the defaults. */
function readCredentialLimits(given: OptionSource): CredentialLimits {
  const burst = given('turn-burst', 'TURN_BURST');
  const refill = given('turn-refill', 'TURN_REFILL');
  const addresses = given('turn-addresses', 'TURN_ADDRESSES');
  const defaults = DEFAULT_CREDENTIAL_LIMITS;
  return {
    burst: burst ? parseLimit(burst.text, burst.source) : defaults.burst,
    refillMs: refill ? parseInterval(refill.text, refill.source) * 1000 : defaults.refillMs,
    maxAddresses: addresses ? parseLimit(addresses.text, addresses.source) : defaults.maxAddresses,
  };
}

/** The TURN relays to hand out credentials for: URLs and secret go together. */
function readTurn(given: OptionSource): TurnConfig | undefined {
  const urls = given('turn-urls', 'TURN_URLS');
  const secret = given('turn-secret', 'TURN_SECRET');
  const ttl = given('turn-ttl', 'TURN_TTL');
  if (urls && !secret) throw new Error(`${urls.source} needs --turn-secret (or TURN_SECRET)`);
  if (secret && !urls) throw new Error(`${secret.source} needs --turn-urls (or TURN_URLS)`);
  if (!urls || !secret) return undefined;
  return {
    urls: parseTurnUrls(urls.text, urls.source),
    secret: secret.text,
    ttlSeconds: ttl ? parseInterval(ttl.text, ttl.source) : DEFAULT_TURN_TTL_SECONDS,
    limits: readCredentialLimits(given),
  };
}

/** How many processes to start: more than one needs the cluster's Redis. */
function readWorkers(given: OptionSource, redisUrl: string | undefined): number {
  const workers = given('workers', 'WORKERS');
  const count = workers ? parseLimit(workers.text, workers.source) : 1;
  if (count > 1 && !redisUrl) throw new Error(`${workers!.source} needs --redis (or REDIS_URL)`);
  if (count > 256) throw new Error(`invalid limit ${count} (${workers!.source}): at most 256 workers`);
  return count;
}

export function parseCli(argv: string[], env: Record<string, string | undefined>): CliConfig {
  const flags = parseFlags(argv);
  const given = optionSource(flags, env);
  // In this order, so that of several bad options the same one is named first.
  const turn = readTurn(given);
  const trustedProxies = read(given, TRUSTED_PROXIES);
  const redisUrl = read(given, REDIS);
  const workers = readWorkers(given, redisUrl);
  const limits = readLimits(given);
  const keeper = readKeeper(given);
  if (keeper && workers > 1) throw new Error('--keep-dir runs one keeper: it needs --workers 1');
  return {
    help: flags.help === true,
    coturnFlags: flags['coturn-flags'] === true,
    port: read(given, PORT),
    host: read(given, HOST),
    intervalSeconds: read(given, INTERVAL),
    iceServers: read(given, ICE_SERVERS) ?? [],
    turn,
    statsToken: read(given, STATS_TOKEN),
    // The flag wins without reading the variable.
    trustProxy: flags['trust-proxy'] === true || read(given, TRUST_PROXY),
    trustedProxies,
    limits,
    redisUrl,
    workers,
    processLeaseSeconds: read(given, PROCESS_LEASE),
    summaryIntervalSeconds: read(given, SUMMARY_INTERVAL),
    keeper,
  };
}
