// The `wan-relay` bench's TURN relay: coturn in the core node of the emulated path (netem's startTurn), the
// server's flags that hand out its credentials to the app, the raw pages' relay-only configuration through the
// same relay, and what the relay spent: bytes through its node and CPU time of coturn and of the emulator's relay.
import { startTurn, type Emulator, type RelayStats } from '../../netem';
import { turnCredentials } from '../../signal-tracker/src/turn';
import { cpuSecondsOf } from '../lib/processes';

/** The emulated node coturn runs in: in the core, no delay or limit of its own (netem's `startPath` `core`). */
export const TURN_NODE = 'turn';
const SECRET = 'bench-wan-relay-secret';
const MB = 1e6;

export interface PathRelay {
  /** The server's flags that hand out the relay's credentials (the app's `/config.json`). */
  serverArgs: string[];
  /** The raw pages' configuration: relay-only through the same relay, with a fresh credential. */
  rawConfig(): RTCConfiguration;
  /** Starts counting coturn's and the emulator relay's CPU time; the returned function says what they spent. */
  watchCpu(): () => string;
  stop(): Promise<void>;
}

/** Bytes the relay's node received: each relayed byte of a transfer crosses its downlink once. */
export function relayedBytes(stats: RelayStats): number {
  return stats.nodes[TURN_NODE]?.down.bytes ?? 0;
}

/** CPU seconds of `pid` spent from now on, with the elapsed time, in words. */
function cpuWatch(label: string, pid: number | undefined): () => string {
  if (pid === undefined) return () => `${label}: not running`;
  const before = cpuSecondsOf(String(pid));
  const start = Date.now();
  return () => {
    const seconds = cpuSecondsOf(String(pid)) - before;
    const share = (seconds / Math.max(0.001, (Date.now() - start) / 1000)) * 100;
    return `${label} ${seconds.toFixed(1)} CPU-s (${share.toFixed(0)} % of a core)`;
  };
}

/** coturn in the emulator's TURN_NODE. */
export async function startPathRelay(emulator: Emulator): Promise<PathRelay> {
  const turn = await startTurn(emulator, TURN_NODE, SECRET);
  return {
    serverArgs: ['--turn-urls', turn.url, '--turn-secret', SECRET],
    rawConfig: () => ({
      iceServers: [turnCredentials({ urls: [turn.url], secret: SECRET, ttlSeconds: 3600 }, Date.now())],
      iceTransportPolicy: 'relay',
    }),
    watchCpu: () => {
      const watches = [cpuWatch('coturn', turn.pid), cpuWatch("the emulator's relay", emulator.relayPid)];
      return () => watches.map((read) => read()).join(', ');
    },
    stop: () => turn.stop(),
  };
}

/** The relayed bytes between two readings, in words; throws when fewer than `size` crossed the relay. */
export function relayedNote(before: RelayStats, after: RelayStats, size: number): string {
  const bytes = relayedBytes(after) - relayedBytes(before);
  if (bytes < size)
    throw new Error(`only ${(bytes / MB).toFixed(1)} MB crossed the relay: the transfer went around it`);
  return `the relay's node received ${(bytes / MB).toFixed(1)} MB`;
}
