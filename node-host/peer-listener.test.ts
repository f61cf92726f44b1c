// The listener with real sockets on loopback: Linux routes all of 127.0.0.0/8 to lo, so sockets bound to 127.0.0.2
// and beyond stand for other hosts.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHandshake } from '../shared/codec/wire';
import { toHex } from '../shared/codec/hex';
import { MAX_UNROUTED, PeerListener } from './peer-listener';
import { UNROUTED_PER_ADDRESS } from './unrouted-slots';

const infoHash = new Uint8Array(20).fill(7);
const handshake = encodeHandshake({
  infoHash,
  peerId: new Uint8Array(20).fill(1),
  reserved: new Uint8Array(8),
});

const opened: Socket[] = [];
let listener: PeerListener | undefined;

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.destroy();
  await listener?.close();
  listener = undefined;
});

/** A listener whose one torrent records the sockets routed to it. */
async function start(): Promise<{ port: number; routed: Promise<Uint8Array> }> {
  let deliver!: (early: Uint8Array) => void;
  const routed = new Promise<Uint8Array>((resolve) => (deliver = resolve));
  listener = new PeerListener((hash) =>
    hash === toHex(infoHash) ? (_socket, early) => deliver(early) : undefined,
  );
  return { port: await listener.listen(0, '127.0.0.1'), routed };
}

/** A connection from `localAddress` that sends `bytes` and then nothing; resolves once it is connected. */
function open(port: number, localAddress: string, bytes: Uint8Array): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => {
      socket.write(bytes);
      resolve(socket);
    });
    socket.on('error', reject);
    opened.push(socket);
  });
}

const oneByte = handshake.subarray(0, 1);

describe('PeerListener', () => {
  it(`routes an honest peer while one address holds ${MAX_UNROUTED + 6} silent sockets`, async () => {
    const { port, routed } = await start();
    const silent = [];
    for (let i = 0; i < MAX_UNROUTED + 6; i++) silent.push(await open(port, '127.0.0.2', oneByte));
    await open(port, '127.0.0.1', handshake);
    expect(toHex((await routed).subarray(28, 48))).toBe(toHex(infoHash));
  });

  it('routes an honest peer when silent sockets of many addresses hold every place', async () => {
    const { port, routed } = await start();
    for (let i = 0; i < MAX_UNROUTED; i++) await open(port, `127.0.0.${2 + (i % 32)}`, oneByte);
    await open(port, '127.0.0.1', handshake);
    expect(toHex((await routed).subarray(28, 48))).toBe(toHex(infoHash));
  });

  it('closes the silent sockets of one address beyond its places', async () => {
    const { port } = await start();
    let closes = 0;
    let sixClosed!: () => void;
    const closed = new Promise<void>((resolve) => (sixClosed = resolve));
    for (let i = 0; i < UNROUTED_PER_ADDRESS + 6; i++) {
      const socket = await open(port, '127.0.0.2', oneByte);
      socket.once('close', () => ++closes === 6 && sixClosed());
    }
    await closed;
    expect(opened.filter((socket) => !socket.destroyed)).toHaveLength(UNROUTED_PER_ADDRESS);
  });
});
