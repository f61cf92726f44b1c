// One tracker under test, alone in its own process so that its heap is measured apart from the load generator's
// and the other tracker's. Started by bench/tracker/tracker.ts with `fork`; talks over the IPC channel:
//   parent -> child: { type: 'memory' } | { type: 'cpu' } | { type: 'profile-start' } | { type: 'profile-stop' }
//                    | { type: 'stop' }
//   child -> parent: { type: 'ready', port } | { type: 'memory', usage } | { type: 'cpu', usage }
//                    | { type: 'profile-started' } | { type: 'profile-stop', top } | { type: 'error', message }
import { Session as InspectorSession } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { summarizeProfile, type CpuProfile } from '../lib/profile';
import { startServer } from '../../signal-tracker/src/server';

export type TrackerKind = 'ours' | 'bittorrent-tracker' | 'ours-redis';

interface Running {
  port: number;
  close(): Promise<void>;
}

/** What the parent passes as the second argument (JSON). */
export interface ChildOptions {
  redisUrl?: string;
}

async function startOurs(options: ChildOptions): Promise<Running> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: null,
    // Every abuse limit at its default (the open-internet settings): the load spreads its sockets over 250
    // source addresses to stay within the per-address ones. Only the total connection cap, a capacity setting,
    // is raised to hold 10,000 peers and the load's own.
    maxConnections: 20_000,
    redisUrl: options.redisUrl,
    logError: () => {},
  });
  return { port: server.port, close: () => server.close() };
}

async function startTheirs(): Promise<Running> {
  const { Server } = (await import('bittorrent-tracker')) as unknown as {
    Server: new (options: Record<string, unknown>) => {
      listen(port: number, host: string, callback: () => void): void;
      http: { address(): AddressInfo };
      close(callback?: () => void): void;
      on(event: string, listener: (...args: unknown[]) => void): void;
    };
  };
  const server = new Server({ udp: false, http: true, ws: true, stats: false });
  server.on('warning', () => {});
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.http.address().port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function collect(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
}

/** A sampling CPU profile of this process, started and stopped by the parent around the phase it measures. */
let inspector: InspectorSession | undefined;

async function startProfile(): Promise<void> {
  inspector = new InspectorSession();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 500 });
  await inspector.post('Profiler.start');
}

async function stopProfile(): Promise<string[]> {
  if (!inspector) return [];
  const { profile } = (await inspector.post('Profiler.stop')) as { profile: CpuProfile };
  inspector.disconnect();
  inspector = undefined;
  return summarizeProfile(profile, 25);
}

const kind = process.argv[2] as TrackerKind;
const options = JSON.parse(process.argv[3] ?? '{}') as ChildOptions;
const send = (message: object) => process.send?.(message);

try {
  const running = kind === 'bittorrent-tracker' ? await startTheirs() : await startOurs(options);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'memory') send({ type: 'memory', usage: collect() });
    if (message.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage() });
    if (message.type === 'profile-start') void startProfile().then(() => send({ type: 'profile-started' }));
    if (message.type === 'profile-stop')
      void stopProfile().then((top) => send({ type: 'profile-stop', top }));
    if (message.type === 'stop') {
      void running.close();
      setTimeout(() => process.exit(0), 200);
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: running.port });
} catch (error) {
  send({ type: 'error', message: (error as Error).message });
  process.exit(1);
}
