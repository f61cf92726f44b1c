// The tracker's behaviour under two hostile conditions, as figures (the unit tests hold what it does; these hold
// what it costs): the CPU of an idle tracker whose output pipes were closed, against one whose output is read, and
// honest offer->answer relays while senders flood it with deeply nested 64 KiB frames, against the same relays
// with no flood.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { figure, noGoal, type Figure } from '../lib/figure';
import { startServer } from '../../signal-tracker/src/server';
import { TestClient, type Json } from '../../signal-tracker/src/test-client';
import { freePort, waitForTcp } from '../../signal-tracker/src/testing/daemons';

const MAIN = fileURLToPath(new URL('../../signal-tracker/src/main.ts', import.meta.url));
const IDLE_SECONDS = 5;
// Five: one sender address may relay five offers a second to one recipient.
const RELAY_ROUNDS = 5;
const SWARM = 'Q'.repeat(19) + '\xa5';
const peerId = (tag: string) => `-WW0300-${tag}`.padEnd(19, '.') + '\xfe';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) a process has used so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU milliseconds per second of an idle tracker logging a summary every second, its output pipes closed or not. */
async function idleCpu(closedPipes: boolean): Promise<number> {
  const port = await freePort();
  const args = [
    '--import',
    'tsx',
    MAIN,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--summary-interval',
    '1',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (closedPipes) {
    child.stdout.destroy();
    child.stderr.destroy();
  } else {
    child.stdout.resume();
    child.stderr.resume();
  }
  try {
    await waitForTcp(port);
    await sleep(2000); // past its start and the first summaries
    const before = cpuSeconds(child.pid!);
    await sleep(IDLE_SECONDS * 1000);
    return ((cpuSeconds(child.pid!) - before) * 1000) / IDLE_SECONDS;
  } finally {
    child.kill('SIGKILL');
  }
}

/** Milliseconds per honest offer->answer relay, with eight senders of nested frames meanwhile or none. */
async function relayMs(flood: boolean): Promise<number> {
  const running = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
  const clients: TestClient[] = [];
  const open = async (from: string) => {
    const client = await TestClient.open(running.trackerUrl, { localAddress: from });
    clients.push(client);
    return client;
  };
  const announce = (id: string, extra: Json = {}) => ({
    action: 'announce',
    info_hash: SWARM,
    peer_id: id,
    ...extra,
  });
  try {
    const offerer = await open('127.0.0.2');
    const answerer = await open('127.0.0.3');
    await offerer.request(announce(peerId('o'), { left: 100 }));
    await answerer.request(announce(peerId('a'), { left: 100 }));
    if (flood) {
      const nested = '['.repeat(32_000) + ']'.repeat(32_000);
      for (let n = 0; n < 8; n++) {
        const attacker = await open(`127.0.0.${10 + (n % 2)}`);
        for (let i = 0; i < 20; i++) attacker.send(nested);
      }
    }
    const started = performance.now();
    for (let round = 0; round < RELAY_ROUNDS; round++) {
      const offer = { type: 'offer', sdp: 'v=0 '.padEnd(3000, 'x') };
      const offers = [{ offer, offer_id: `o-${round}`.padEnd(20, '.') }];
      offerer.send(announce(peerId('o'), { numwant: 1, offers }));
      let relayed: Json;
      do relayed = await answerer.next();
      while (!relayed.offer);
      const answer = { type: 'answer', sdp: 'v=0' };
      answerer.send({
        ...announce(peerId('a')),
        to_peer_id: peerId('o'),
        offer_id: relayed.offer_id,
        answer,
      });
      let back: Json;
      do back = await offerer.next();
      while (!back.answer);
    }
    return (performance.now() - started) / RELAY_ROUNDS;
  } finally {
    for (const client of clients) client.socket.terminate();
    await running.close();
  }
}

/** The two figures of this file. */
export async function quietFigures(log: (m: string) => void): Promise<Figure[]> {
  const closed = await idleCpu(true);
  const open = await idleCpu(false);
  log(
    `  idle tracker: ${(closed * 100).toFixed(1)} % of a core with closed pipes, ${(open * 100).toFixed(1)} % read`,
  );
  const flooded = await relayMs(true);
  const calm = await relayMs(false);
  log(`  honest relay: ${flooded.toFixed(1)} ms under a nested-frame flood, ${calm.toFixed(1)} ms without`);
  return [
    figure(
      'tracker idle CPU, output pipes closed',
      closed,
      'CPU-ms/s',
      { name: 'output read', value: open },
      noGoal,
      `a summary logged every second over ${IDLE_SECONDS} s; the log stops writing to a closed pipe`,
    ),
    figure(
      'tracker honest offer->answer under a nested-frame flood',
      flooded,
      'ms',
      { name: 'no flood', value: calm },
      noGoal,
      `${RELAY_ROUNDS} relays of a 3 kB offer while 8 sockets of 2 addresses each send 20 frames of 64 KiB nesting`,
    ),
  ];
}
