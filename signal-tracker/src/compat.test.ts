// The `bittorrent-tracker` package's own client (WebTorrent's tracker client) against our server, in Node.
// Its WebRTC comes from node-datachannel (through webrtc-polyfill), so real offers and answers go through our
// relay. The test stops at the signalling: whether libdatachannel then connects is not the tracker's business
// (and it races now and then in Node: "Got a remote candidate without ICE transport").
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import Client, { type SignalPeer } from 'bittorrent-tracker';
import { startServer, type RunningServer } from './server';
import { fireEndOfCandidates } from './webrtc-test-shim';

const INFO_HASH = 'c0ffee'.padEnd(40, '0');
const hexId = (text: string) => Buffer.from(text).toString('hex');

beforeAll(fireEndOfCandidates);

let running: RunningServer;
const clients: Client[] = [];

function client(peerId: string, opts: Record<string, unknown>): Client {
  const instance = new Client({
    infoHash: INFO_HASH,
    peerId: hexId(peerId),
    // bittorrent-tracker shares one socket per tracker URL in a process; the tracker allows one peer id per
    // connection and swarm, so each client gets a URL (and a socket) of its own, as separate browsers would.
    announce: [`${running.trackerUrl}?client=${clients.length}`],
    port: 6881,
    rtcConfig: { iceServers: [] }, // loopback host candidates only: no STUN to wait for
    getAnnounceOpts: () => opts,
  });
  instance.on('warning', () => {});
  instance.on('error', () => {});
  clients.push(instance);
  return instance;
}

function once<T>(
  emitter: Client | SignalPeer,
  event: string,
  filter: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (value: T) => {
      if (!filter(value)) return;
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => new Promise<void>((resolve) => c.destroy(() => resolve()))));
  await running.close();
});

interface Update {
  complete: number;
  incomplete: number;
  infoHash: string;
}

describe('bittorrent-tracker client against signal-tracker', () => {
  it('announces, scrapes and stops with the right counts', async () => {
    running = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
    // numwant 0: no WebRTC offers, only the counts.
    const seeder = client('-WW0300-seederseeder', { numwant: 0, left: 0 });
    seeder.start();
    expect(await once<Update>(seeder, 'update')).toMatchObject({
      complete: 1,
      incomplete: 0,
      infoHash: INFO_HASH,
    });
    const leecher = client('-WW0300-leecherleech', { numwant: 0, left: 1000 });
    leecher.start();
    expect(await once<Update>(leecher, 'update')).toMatchObject({ complete: 1, incomplete: 1 });
    leecher.scrape();
    expect(await once<Update>(leecher, 'scrape')).toMatchObject({
      complete: 1,
      incomplete: 1,
      downloaded: 0,
    });
    leecher.complete({ numwant: 0, left: 0 });
    expect(await once<Update>(leecher, 'update', (u) => u.complete === 2)).toMatchObject({ incomplete: 0 });
    leecher.stop();
    expect(await once<Update>(leecher, 'update')).toMatchObject({ complete: 1, incomplete: 0 });
    expect(running.tracker.peerCount).toBe(1);
  });

  it('signals two clients to each other through our offer and answer relay', async () => {
    running = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
    const seeder = client('-WW0300-seederseeder', { numwant: 0, left: 0 });
    seeder.start();
    await once(seeder, 'update');
    const seederPeer = once<SignalPeer>(seeder, 'peer');
    const leecher = client('-WW0300-leecherleech', { numwant: 1, left: 1000 });
    leecher.start();
    // The seeder's client emits 'peer' when our tracker relays the leecher's offer; the leecher's client emits
    // 'peer' only when our tracker relays an answer whose offer_id matches one of its pending offers.
    const [fromSeeder, fromLeecher] = await Promise.all([seederPeer, once<SignalPeer>(leecher, 'peer')]);
    for (const peer of [fromSeeder, fromLeecher]) peer.on('error', () => {}); // WebRTC itself is not under test
    expect(fromSeeder.id).toBe(hexId('-WW0300-leecherleech'));
    expect(fromLeecher.id).toBe(hexId('-WW0300-seederseeder'));
    expect(running.tracker.counters).toMatchObject({ offersRelayed: 1, answersRelayed: 1, failures: 0 });
  });
});
