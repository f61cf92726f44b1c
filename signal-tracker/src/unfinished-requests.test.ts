// Connections that never finish their request headers. Real TCP sockets, all on loopback, each
// loop bounded in count and each wait in time.
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from './server';
import { httpGet, trackerHarness } from './testing/harness';
import { UnfinishedRequests } from './unfinished-requests';

const HASH = 'U'.repeat(19) + '\xa7';
const { server, connect: connectClient } = trackerHarness();

/** A connection from `localAddress` that sends the start of a request and never its end. */
function unfinished(
  running: RunningServer,
  localAddress: string,
): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: running.port, localAddress });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {});
    socket.once('connect', () => {
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

/** Whether the promise settles within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([promise.then(() => true as const), late]);
  clearTimeout(timer);
  return settled;
}

/** A socket as the guard sees it: its address, and whether it was destroyed (which closes it). */
function fakeSocket(remoteAddress: string) {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress,
    destroyed: false,
    destroy() {
      socket.destroyed = true;
      socket.emit('close');
    },
  });
  return socket as typeof socket & Socket;
}

describe('UnfinishedRequests on a virtual clock', () => {
  const limits = { maxUnfinished: 3, maxUnfinishedPerAddress: 2, headerTimeoutMs: 1000 };

  it('refuses past the per-address and total limits, and closes the rest at their header deadline', () => {
    const guard = new UnfinishedRequests(limits);
    const a = [fakeSocket('10.0.0.1'), fakeSocket('10.0.0.1'), fakeSocket('10.0.0.1')];
    expect(a.map((socket) => guard.admit(socket, 0))).toEqual([true, true, false]);
    const b = [fakeSocket('10.0.0.2'), fakeSocket('10.0.0.3')];
    expect(guard.admit(b[0], 500)).toBe(true);
    expect(guard.admit(b[1], 500)).toBe(false); // three held in all
    expect(guard.refused).toBe(2);
    guard.expire(999);
    expect(guard.size).toBe(3);
    guard.expire(1000);
    expect(a.map((socket) => socket.destroyed)).toEqual([true, true, true]);
    expect(b[0].destroyed).toBe(false);
    expect(guard.timedOut).toBe(2);
    guard.expire(1500);
    expect([guard.size, guard.timedOut]).toEqual([0, 3]);
  });

  it('stops counting a connection once its headers are in or it closed, and per address only when asked', () => {
    const guard = new UnfinishedRequests(limits);
    const first = fakeSocket('10.0.0.1');
    guard.admit(first, 0);
    guard.admit(fakeSocket('10.0.0.1'), 0);
    guard.finished(first);
    expect(guard.admit(fakeSocket('10.0.0.1'), 0)).toBe(true);
    const behindProxy = new UnfinishedRequests(limits, false);
    const fromProxy = [1, 2, 3, 4].map(() => behindProxy.admit(fakeSocket('127.0.0.1'), 0));
    expect(fromProxy).toEqual([true, true, true, false]);
  });
});

describe('connections that never finish their request headers', () => {
  it('closes those over the per-address limit at once and the rest at the header timeout; others still connect', async () => {
    const running = await server({ maxUnfinishedRequestsPerAddress: 8, headerTimeoutMs: 1500 });
    const slow = [];
    for (let i = 0; i < 40; i++) slow.push(await unfinished(running, '127.0.0.1'));
    // The 32 over the limit are closed at once; the first 8 stay, counted.
    const early = await Promise.all(slow.map((c) => within(c.closed, 300)));
    expect(early.filter(Boolean).length).toBe(32);
    expect(early.slice(0, 8)).toEqual(Array(8).fill(false));
    // An honest client on another address still gets the app and the tracker.
    expect((await httpGet(running, '/health', {}, '127.0.0.2')).status).toBe(200);
    // Its own address is at its limit until the held ones go.
    await expect(httpGet(running, '/health')).rejects.toThrow();
    const honest = await connectClient(running, '127.0.0.2');
    const reply = await honest.request({
      action: 'announce',
      info_hash: HASH,
      peer_id: '-WW0300-honest000000',
      left: 0,
    });
    expect(reply).toMatchObject({ action: 'announce', complete: 1 });
    // The 8 held ones are closed by the header timeout (the tracker's guard, not Node's 90 s); refused were the 32
    // over the limit and the request from the address at its limit.
    await Promise.all(slow.slice(0, 8).map((c) => c.closed));
    const guard = running.unfinishedRequests;
    expect([guard.timedOut, guard.refused, guard.size]).toEqual([8, 33, 0]);
  });

  it('counts them in all: past the total, a connection from any address is closed at once', async () => {
    const running = await server({
      maxUnfinishedRequests: 12,
      maxUnfinishedRequestsPerAddress: 4,
      headerTimeoutMs: 5000,
    });
    const slow = [];
    for (let host = 3; host < 8; host++) {
      for (let i = 0; i < 4; i++) slow.push(await unfinished(running, `127.0.0.${host}`));
    }
    const early = await Promise.all(slow.map((c) => within(c.closed, 300)));
    expect(early.filter(Boolean).length).toBe(20 - 12);
    // Closing held ones frees their places.
    for (const c of slow.slice(0, 4)) c.socket.destroy();
    await Promise.all(slow.slice(0, 4).map((c) => c.closed));
    expect((await httpGet(running, '/health')).status).toBe(200);
    for (const c of slow) c.socket.destroy();
  });

  it('lets a WebSocket upgrade through: a finished request no longer counts', async () => {
    const running = await server({ maxUnfinishedRequestsPerAddress: 2 });
    const clients = [];
    for (let i = 0; i < 6; i++) clients.push(await connectClient(running, '127.0.0.9'));
    expect(running.tracker.connectionCount).toBe(6);
  });
});
