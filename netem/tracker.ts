// The tracker (`node signal-tracker`, built) inside an emulated node, listening on the node's address only.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Emulator } from './emulator';
import { exited, HTTP_READY, readyInNode } from './probe';

export interface EmulatedTracker {
  /** The app's origin as the browsers in the emulation open it. */
  origin: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const TRACKER = fileURLToPath(new URL('../signal-tracker', import.meta.url));

/**
 * Starts the tracker in `nodeName` on `port` (the namespace is the emulator's own, so any port is free). `entry`:
 * Node's arguments before `--port` (by default the built tracker; a bench names its own server script that takes
 * `--port` and `--host` the same way, to serve a build of its own).
 */
export async function startTracker(
  emulator: Emulator,
  nodeName: string,
  port = 8000,
  extraArgs: string[] = [],
  entry: string[] = [TRACKER],
): Promise<EmulatedTracker> {
  const { address } = emulator.node(nodeName);
  const origin = `http://${address}:${port}`;
  const args = [...entry, '--port', String(port), '--host', address, ...extraArgs];
  const child = emulator.spawnIn(nodeName, process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const ready = await readyInNode(emulator, nodeName, child, HTTP_READY, [`${origin}/health`]);
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited(child);
  };
  if (!ready) {
    await stop();
    throw new Error(
      `The tracker in the emulated node ${nodeName} did not start: ${errors.trim() || 'no answer'}`,
    );
  }
  return { origin, process: child, stop };
}
