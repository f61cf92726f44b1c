// The tracker (`node signal-tracker`, built) inside an emulated node, listening on the node's address only.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Emulator } from './emulator';

export interface EmulatedTracker {
  /** The app's origin as the browsers in the emulation open it. */
  origin: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const TRACKER = fileURLToPath(new URL('../signal-tracker', import.meta.url));
// Waits inside the namespace (the root namespace has no way in) until /health answers, for at most 30 s.
const WAIT_FOR_HEALTH = `
for (let i = 0; i < 300; i++) {
  try { if ((await fetch(process.argv[1])).ok) process.exit(0); } catch {}
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.exit(1);`;

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', resolve));
}

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
  const probe = emulator.spawnIn(
    nodeName,
    process.execPath,
    ['--input-type=module', '-e', WAIT_FOR_HEALTH, `${origin}/health`],
    { stdio: 'ignore' },
  );
  const code = await Promise.race([exited(probe), exited(child).then(() => -1)]);
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    probe.kill('SIGKILL');
    await exited(child);
  };
  if (code !== 0) {
    await stop();
    throw new Error(
      `The tracker in the emulated node ${nodeName} did not start: ${errors.trim() || 'no answer'}`,
    );
  }
  return { origin, process: child, stop };
}
