// A TURN relay (Debian's coturn, `turnserver`) inside an emulated node, listening and relaying on the node's address
// only, with coturn's REST-API shared secret as a deployment runs it (docs/deploying.md, "TURN relays"): a tracker
// started with `--turn-urls <url> --turn-secret <secret>` hands its credentials to the tabs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Emulator } from './emulator';
import { coturnFlags, endProcess, TURNSERVER } from '../signal-tracker/src/testing/daemons';
import { readyInNode, TCP_READY } from './probe';

export { TURNSERVER };

export interface EmulatedTurn {
  /** The relay's URL as the tabs in the emulation reach it, e.g. `turn:10.201.0.2:3478?transport=udp`. */
  url: string;
  secret: string;
  /** turnserver's process id (`ip netns exec` runs it in place). */
  pid: number;
  process: ChildProcess;
  /** Its temporary folder (pid file, user database), removed by stop. */
  dir: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it is gone and its folder removed. */
  stop(): Promise<void>;
}

/** Why a relay cannot be started here (coturn is not installed), or undefined. */
export function turnUnavailable(): string | undefined {
  return existsSync(TURNSERVER) ? undefined : `coturn is not installed (apt-get install coturn)`;
}

/**
 * Starts coturn in `nodeName` on `port`, with its own temporary folder; resolves once it accepts connections there.
 * The peers are the emulation's private addresses, so the deployment's `--coturn-flags` (which deny private
 * ranges) are not given; `extraArgs` adds flags such as a quota.
 */
export async function startTurn(
  emulator: Emulator,
  nodeName: string,
  secret: string,
  port = 3478,
  extraArgs: string[] = [],
): Promise<EmulatedTurn> {
  const unavailable = turnUnavailable();
  if (unavailable) throw new Error(`Cannot start the TURN relay: ${unavailable}.`);
  const { address } = emulator.node(nodeName);
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-netem-coturn-'));
  const args = [...coturnFlags({ address, port, secret, dir }), '--no-tcp-relay', ...extraArgs];
  const child = emulator.spawnIn(nodeName, TURNSERVER, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async (): Promise<void> => {
    await endProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await readyInNode(emulator, nodeName, child, TCP_READY, [address, String(port)]))) {
    await stop();
    throw new Error(`coturn in the emulated node ${nodeName} did not start: ${output.trim() || 'no answer'}`);
  }
  const url = `turn:${address}:${port}?transport=udp`;
  return { url, secret, pid: child.pid!, process: child, dir, stop };
}
