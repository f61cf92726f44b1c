import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../shared/testing/until';
import { startEmulator, type Emulator, type RelayStats } from './emulator';
import { emulatorUnavailable, ownedNamespaces, sweepStaleNamespaces } from './namespaces';
import { forwardToNode } from './forward';
import { startPath } from './path';
import { sendDatagrams, startReceiver, type Receiver } from './testing';

const unavailable = emulatorUnavailable();
const title = unavailable ? `network emulator (skipped: ${unavailable})` : 'network emulator';

function mine(owner = process.pid): string[] {
  return ownedNamespaces()
    .filter((namespace) => namespace.owner === owner)
    .map(({ name }) => name);
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

// Another process owns an emulator with a process inside one of its nodes, and prints that process's id.
const OWNER = `import('./netem/path.ts').then(async ({ startPath }) => {
  const emulator = await startPath({ rttMs: 10 }, ['a', 'b']);
  console.log(emulator.spawnIn('a', 'sleep', ['600'], { stdio: 'ignore' }).pid);
  setInterval(() => {}, 1000);
})`;

async function startOwner(): Promise<{ owner: ChildProcess; inside: number }> {
  const owner = spawn(process.execPath, ['--import', 'tsx', '-e', OWNER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const inside = await new Promise<number>((resolve) =>
    owner.stdout!.once('data', (data) => resolve(Number(data))),
  );
  return { owner, inside };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the relay has written every packet it accepted for `node` and the receiver has read them all. */
async function settle(emulator: Emulator, receiver: Receiver, from: string, to: string): Promise<RelayStats> {
  let stats = await emulator.stats();
  await until(
    async () => {
      stats = await emulator.stats();
      const down = stats.nodes[to].down;
      const accepted = stats.nodes[from].up.packets - down.lost - down.queueDropped;
      return down.delivered === accepted && receiver.received.length === down.delivered;
    },
    { what: 'every accepted datagram delivered and read', timeoutMs: 15_000, intervalMs: 50 },
  );
  return stats;
}

function expectInOrderAndIntact(receiver: Receiver, size: number): void {
  const seqs = receiver.received.map((datagram) => datagram.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(receiver.received.every((datagram) => datagram.intact && datagram.size === size)).toBe(true);
}

describe.skipIf(unavailable !== undefined)(title, () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  it('carries every datagram, in order and intact, through delay and jitter', async () => {
    emulator = await startPath({ rttMs: 40, jitterMs: 20 }, ['a', 'b'], { seed: 1 });
    const receiver = await startReceiver(emulator, 'b');
    await sendDatagrams(emulator, 'a', 'b', 300, 500);
    await settle(emulator, receiver, 'a', 'b');
    expect(receiver.received.map((datagram) => datagram.seq)).toEqual([...Array(300).keys()]);
    expectInOrderAndIntact(receiver, 500);
  });

  it('drops the configured share of packets, within a statistical bound', async () => {
    const count = 2000;
    const loss = 0.2;
    emulator = await startPath({ rttMs: 10, loss }, ['a', 'b'], { seed: 7 });
    const receiver = await startReceiver(emulator, 'b');
    await sendDatagrams(emulator, 'a', 'b', count, 200);
    const stats = await settle(emulator, receiver, 'a', 'b');
    const up = stats.nodes.a.up;
    expect(up.packets + up.lost).toBe(count);
    // Six standard deviations of a binomial draw either side of the mean: a correct relay misses it about once
    // in 10^9 runs, a relay that drops twice or half the share misses it always.
    const bound = 6 * Math.sqrt(count * loss * (1 - loss));
    expect(Math.abs(up.lost - count * loss)).toBeLessThan(bound);
    expect(receiver.received.length).toBe(count - up.lost);
    expectInOrderAndIntact(receiver, 200);
  });

  it('drops what overflows the queue in front of the rate, and delivers the rest in order', async () => {
    const count = 100;
    // 100 kB offered to 12.5 kB/s with a 10 kB queue: a sender would have to take 8 s to lose nothing.
    emulator = await startPath({ rttMs: 10, upMbit: 0.1, queue: { bytes: 10_000 } }, ['a', 'b']);
    const receiver = await startReceiver(emulator, 'b');
    await sendDatagrams(emulator, 'a', 'b', count, 1000);
    const stats = await settle(emulator, receiver, 'a', 'b');
    const up = stats.nodes.a.up;
    expect(up.queueDropped).toBeGreaterThan(0);
    expect(up.packets + up.queueDropped).toBe(count);
    expect(receiver.received.length).toBe(up.packets);
    expectInOrderAndIntact(receiver, 1000);
  });

  it('routes nothing outside the emulation', async () => {
    emulator = await startPath({ rttMs: 0 }, ['a', 'b']);
    const child = emulator.spawnIn('a', process.execPath, [
      '-e',
      `require('node:dgram').createSocket('udp4').send('x', 9, '192.0.2.1', (e) => process.exit(e ? 1 : 0))`,
    ]);
    await new Promise((resolve) => child.once('exit', resolve));
    await until(async () => (await emulator!.stats()).unroutableTo['192.0.2.1'] === 1, {
      what: 'the stray datagram counted',
    });
    expect(ip(['-o', 'link'])).not.toContain('sdtun');
  });

  it('reaches a port inside a node from the root namespace through a forward, and only through it', async () => {
    emulator = await startPath({ rttMs: 10 }, ['a']);
    const server = emulator.spawnIn(
      'a',
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((q, r) => r.end('inside a')).listen(8080, '127.0.0.1', () => console.log('up'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => server.stdout!.once('data', resolve));
    const forward = await forwardToNode(emulator, 'a', 8080);
    expect(await (await fetch(`http://127.0.0.1:${forward.port}/`)).text()).toBe('inside a');
    await forward.close();
    await expect(fetch(`http://127.0.0.1:${forward.port}/`)).rejects.toThrow();
  });

  it('leaves no namespace, TUN device or relay behind when stopped', async () => {
    emulator = await startPath({ rttMs: 10 }, ['a', 'b', 'c']);
    const relay = emulator.relayPid!;
    expect(mine()).toHaveLength(3);
    expect(alive(relay)).toBe(true);
    await emulator.stop();
    emulator = undefined;
    expect(mine()).toEqual([]);
    expect(alive(relay)).toBe(false);
  });

  it('sweeps the namespaces of a killed owner and the processes left in them; its relay exits by itself', async () => {
    const { owner, inside } = await startOwner();
    expect(mine(owner.pid)).toHaveLength(2);
    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    const [namespace] = mine(owner.pid);
    await until(() => !ip(['-n', namespace, '-o', 'link']).includes('sdtun'), {
      what: "the killed owner's relay gone with its TUN device",
    });
    expect(alive(inside)).toBe(true);
    expect(sweepStaleNamespaces()).toEqual(expect.arrayContaining(mine(owner.pid)));
    expect(mine(owner.pid)).toEqual([]);
    await until(() => !alive(inside), { what: 'the process left in the namespace ended' });
  });

  it('removes everything when its owner is sent SIGTERM', async () => {
    const { owner, inside } = await startOwner();
    const exit = new Promise((resolve) => owner.once('exit', (code, signal) => resolve(signal)));
    owner.kill('SIGTERM');
    expect(await exit).toBe('SIGTERM');
    expect(mine(owner.pid)).toEqual([]);
    await until(() => !alive(inside), { what: 'the process inside the namespace ended' });
  });

  it('refuses a spec it cannot emulate, in words, before making anything', async () => {
    await expect(
      startEmulator([{ name: 'a', up: { delayMs: 1, loss: 1.5 }, down: { delayMs: 1 } }]),
    ).rejects.toThrow('The emulated link a up is not valid: loss must be in [0, 1).');
    expect(mine()).toEqual([]);
  });
});
