// Real servers for tests (Debian's redis-server and coturn): each test starts its own on a free loopback port, in a
// temporary directory, and stops it by its pid. Nothing here is used by the tracker itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../../shared/testing/until';

export interface Daemon {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** SIGTERM, then SIGKILL after a grace; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL at once (a crash). */
  kill(): Promise<void>;
  /** Calls `listener` with each chunk the daemon writes to its stdout or stderr from now on (its log). */
  onOutput(listener: (text: string) => void): void;
}

/** A TCP port nobody listens on now (the kernel's pick). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts a TCP connection on the port now. */
function listening(port: number, host: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once something accepts TCP connections on the port. */
export function waitForTcp(port: number, timeoutMs = 10_000, host = '127.0.0.1'): Promise<void> {
  return until(() => listening(port, host), {
    what: `a listener on ${host}:${port}`,
    timeoutMs,
    intervalMs: 50,
  });
}

export function binaryAvailable(path: string): boolean {
  return existsSync(path);
}

/** Resolves with the exit code once the process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', resolve));
}

/** Sends `signal`, then SIGKILL if it has not exited after a grace of 5 s; resolves once it is gone. */
export async function endProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid!, signal);
  const grace = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000);
  await exited(child);
  clearTimeout(grace);
}

async function startDaemon(
  name: string,
  command: string,
  args: (port: number, dir: string) => string[],
  port?: number,
): Promise<Daemon> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), `swarmdrop-${name}-`));
  const child: ChildProcess = spawn(command, args(chosen, dir), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<(text: string) => void>();
  const read = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    for (const listener of listeners) listener(text);
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);
  try {
    await Promise.race([
      waitForTcp(chosen),
      exited(child).then(() => {
        throw new Error(`${name} exited at start: ${output}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const end = async (signal: NodeJS.Signals) => {
    await endProcess(child, signal);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    port: chosen,
    pid: child.pid!,
    dir,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    onOutput: (listener) => void listeners.add(listener),
  };
}

export const REDIS_SERVER = '/usr/bin/redis-server';
export const TURNSERVER = '/usr/bin/turnserver';

/** redis-server on 127.0.0.1, persistence off. Pass `port` to restart one on the port it had. */
export function startRedis(port?: number): Promise<Daemon> {
  return startDaemon(
    'redis',
    REDIS_SERVER,
    (p, dir) => [
      '--port',
      String(p),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    port,
  );
}

/**
 * coturn on 127.0.0.1 with the REST-API shared secret, no TLS. By default it relays between loopback peers (the
 * browsers of a test are all on loopback); with `peerFlags` it takes those instead, as a deployment would.
 */
export function startCoturn(
  secret: string,
  peerFlags: string[] = ['--allow-loopback-peers'],
): Promise<Daemon> {
  return startDaemon('coturn', TURNSERVER, (p, dir) => [
    ...coturnFlags({ address: '127.0.0.1', port: p, secret, dir }),
    ...peerFlags,
  ]);
}

/**
 * coturn's flags for a test's relay: listening and relaying on `address` only, in the foreground, the REST-API
 * shared secret, no TLS, DTLS or CLI, its pid file and user database in `dir`, its log on stdout.
 */
export function coturnFlags(on: { address: string; port: number; secret: string; dir: string }): string[] {
  return [
    '-n',
    `--listening-ip=${on.address}`,
    `--relay-ip=${on.address}`,
    `--listening-port=${on.port}`,
    '--use-auth-secret',
    `--static-auth-secret=${on.secret}`,
    '--realm=swarmdrop.test',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--fingerprint',
    '--min-port=49160',
    '--max-port=49400',
    `--pidfile=${join(on.dir, 'turnserver.pid')}`,
    `--userdb=${join(on.dir, 'turndb')}`,
    '--log-file=stdout',
    '--simple-log',
  ];
}
