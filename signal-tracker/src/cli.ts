// Command-line flags and environment variables of `node signal-tracker`.
import { parseArgs } from 'node:util';
import { DEFAULT_TURN_TTL_SECONDS, parseTurnUrls, type TurnConfig } from './turn';

export const USAGE = `Usage: node signal-tracker [options]

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
  --help                show this help

Behind a TLS reverse proxy, browsers reach the tracker as wss://<host>/ and the app as https://<host>/.`;

export interface CliConfig {
  help: boolean;
  port: number;
  host: string | undefined;
  intervalSeconds: number;
  iceServers: unknown[];
  /** TURN relays to hand out credentials for, or undefined. */
  turn: TurnConfig | undefined;
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
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
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
  return {
    help: values.help ?? false,
    port: port ? parsePort(port.text, port.source) : 8000,
    host: host?.text,
    intervalSeconds: interval ? parseInterval(interval.text, interval.source) : 120,
    iceServers: ice ? parseIceServers(ice.text, ice.source) : [],
    turn,
  };
}
