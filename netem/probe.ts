// Waiting for a server inside an emulated node: the root namespace has no way in, so a small Node script runs
// inside the node and polls until the server answers, racing the server's own exit.
import type { ChildProcess } from 'node:child_process';
import { exited } from '../signal-tracker/src/testing/daemons';
import type { Emulator } from './emulator';

export { exited };

/** Polls `fetch(argv[1])` until it answers ok, every 100 ms for at most 30 s. */
export const HTTP_READY = `
for (let i = 0; i < 300; i++) {
  try { if ((await fetch(process.argv[1])).ok) process.exit(0); } catch {}
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.exit(1);`;

/** Polls a TCP connection to `argv[1]:argv[2]` until one is accepted, every 100 ms for at most 30 s. */
export const TCP_READY = `
import { connect } from 'node:net';
const accepts = () => new Promise((resolve) => {
  const socket = connect({ host: process.argv[1], port: Number(process.argv[2]) });
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});
for (let i = 0; i < 300; i++) {
  if (await accepts()) process.exit(0);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.exit(1);`;

/**
 * Runs the probe `script` with `args` inside `nodeName` beside the server `server`: true once the probe succeeds,
 * false when it gives up or the server exits first. The probe is ended either way.
 */
export async function readyInNode(
  emulator: Emulator,
  nodeName: string,
  server: ChildProcess,
  script: string,
  args: string[],
): Promise<boolean> {
  const probe = emulator.spawnIn(nodeName, process.execPath, ['--input-type=module', '-e', script, ...args], {
    stdio: 'ignore',
  });
  const code = await Promise.race([exited(probe), exited(server).then(() => -1)]);
  probe.kill('SIGKILL');
  return code === 0;
}
