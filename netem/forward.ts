// A way into a node from the root namespace, which has no route to the emulation: a TCP port on the root's
// loopback whose connections reach a port inside the node. The two sides meet at a Unix socket in a temporary
// folder, since a socket's path is the file system's, which the namespaces share. For what must be driven from
// outside (a browser's remote-debugging port, a tracker's /stats.json), never for traffic under test: it bypasses
// the emulated links.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from './emulator';

export interface Forward {
  /** The port on 127.0.0.1 in the root namespace. */
  port: number;
  close(): Promise<void>;
}

const INSIDE = `
import net from 'node:net';
const [path, host, port] = [process.argv[1], process.argv[2], Number(process.argv[3])];
net.createServer((client) => {
  const target = net.connect(port, host);
  client.pipe(target).pipe(client);
  client.on('error', () => target.destroy());
  target.on('error', () => client.destroy());
}).listen(path, () => process.stdout.write('up\\n'));`;

function splice(client: Socket, target: Socket): void {
  client.pipe(target).pipe(client);
  client.on('error', () => target.destroy());
  target.on('error', () => client.destroy());
}

function listening(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the forwarder in the node exited with code ${code}`)));
    child.stdout!.once('data', () => resolve());
  });
}

/**
 * Forwards 127.0.0.1:<returned port> in the root namespace to `host:port` inside `nodeName`. `localPort` asks for
 * the same port on both sides, for a server that checks the port its clients name in their Host header.
 */
export async function forwardToNode(
  emulator: Emulator,
  nodeName: string,
  port: number,
  { host = '127.0.0.1', localPort = 0 }: { host?: string; localPort?: number } = {},
): Promise<Forward> {
  const folder = mkdtempSync(join(tmpdir(), 'sdnet-forward-'));
  const path = join(folder, 'socket');
  const inside = emulator.spawnIn(
    nodeName,
    process.execPath,
    ['--input-type=module', '-e', INSIDE, path, host, String(port)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const server = createServer((client) => splice(client, createConnection(path)));
  try {
    await started(inside);
    const local = await listening(server, localPort);
    return {
      port: local,
      close: async () => {
        await new Promise((resolve) => server.close(resolve));
        inside.kill('SIGKILL');
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    server.close();
    inside.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
