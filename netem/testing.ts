// Test helpers for the emulator: a UDP sender and receiver run inside emulated nodes, each datagram numbered and
// filled with bytes derived from its number, so the receiver can tell order, loss and damage apart.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Emulator } from './emulator';

export const UDP_PORT = 9000;

// Lines go out in batches, each turn of the event loop: a write per datagram would slow the receiver enough for its
// socket buffer to overflow on a busy machine, which the test would misread as the relay's loss.
const RECEIVER = `
import dgram from 'node:dgram';
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
let lines = [];
socket.on('message', (message) => {
  const seq = message.readUInt32BE(0);
  let intact = true;
  for (let i = 4; i < message.length; i++) if (message[i] !== ((seq * 7 + i) & 255)) intact = false;
  if (lines.length === 0) setImmediate(() => { process.stdout.write(lines.join('')); lines = []; });
  lines.push(seq + ' ' + (intact ? 1 : 0) + ' ' + message.length + '\\n');
});
socket.bind(${UDP_PORT}, process.argv[1], () => process.stdout.write('bound\\n'));`;

const SENDER = `
import dgram from 'node:dgram';
const [host, count, size] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const socket = dgram.createSocket('udp4');
for (let seq = 0; seq < count; seq++) {
  const message = Buffer.alloc(size);
  message.writeUInt32BE(seq, 0);
  for (let i = 4; i < size; i++) message[i] = (seq * 7 + i) & 255;
  await new Promise((resolve, reject) => socket.send(message, ${UDP_PORT}, host, (error) => (error ? reject(error) : resolve())));
  // Paced, so the receiver's socket buffer (not the relay) never overflows and every loss is the relay's.
  if (seq % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 2));
}
socket.close();`;

export interface Datagram {
  seq: number;
  intact: boolean;
  size: number;
}

export interface Receiver {
  received: Datagram[];
  process: ChildProcess;
}

function nodeScript(emulator: Emulator, node: string, script: string, args: string[]): ChildProcess {
  return emulator.spawnIn(node, process.execPath, ['--input-type=module', '-e', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** A UDP receiver in `node`, once it listens. */
export function startReceiver(emulator: Emulator, node: string): Promise<Receiver> {
  const child = nodeScript(emulator, node, RECEIVER, [emulator.node(node).address]);
  const receiver: Receiver = { received: [], process: child };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the UDP receiver exited with code ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'bound') return resolve(receiver);
      const [seq, intact, size] = line.split(' ').map(Number);
      receiver.received.push({ seq, intact: intact === 1, size });
    });
  });
}

/** Sends `count` datagrams of `size` bytes from `from` to `to`, and resolves when all are handed to the kernel. */
export function sendDatagrams(emulator: Emulator, from: string, to: string, count: number, size: number) {
  const child = nodeScript(emulator, from, SENDER, [emulator.node(to).address, String(count), String(size)]);
  return new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the UDP sender exited with ${code}`)),
    ),
  );
}
