import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random';
import type { Channel, Host, MessageOrder } from './network';
import { controlFirst, Network, roundRobin } from './network';

interface Record {
  channel: Channel;
  size: number;
  at: number;
}

/** Bytes in (t_i, t_j] never exceed capacity × (t_j − t_i), for every pair of events of one host. */
function maxExcess(records: Record[], capacity: number): number {
  const sorted = [...records].sort((a, b) => a.at - b.at);
  let worst = -Infinity;
  for (let i = 0; i < sorted.length; i++) {
    let bytes = 0;
    for (let j = i + 1; j < sorted.length; j++) {
      bytes += sorted[j].size;
      worst = Math.max(worst, bytes - (capacity * (sorted[j].at - sorted[i].at)) / 1000);
    }
  }
  return worst;
}

/** `ownLatency`: each host has a latency of its own (0 to 100 ms), so messages reach a downlink in another order
 * than they left their uplinks. */
function randomTraffic(seed: number, order: MessageOrder = roundRobin, ownLatency = false) {
  const random = mulberry32(seed);
  const delivered: Record[] = [];
  const transmitted: Record[] = [];
  const net = new Network({
    latencyMs: 10 + random() * 40,
    order,
    onDeliver: (channel, size, at) => delivered.push({ channel, size, at }),
    onTransmit: (channel, size, at) => transmitted.push({ channel, size, at }),
  });
  const hosts: Host[] = [];
  for (let i = 0; i < 6; i++) {
    const capacities = { upload: 1000 + random() * 100_000, download: 1000 + random() * 100_000 };
    hosts.push(net.addHost(ownLatency ? { ...capacities, latencyMs: random() * 100 } : capacities));
  }
  const channels: Channel[] = [];
  for (const a of hosts) for (const b of hosts) if (a !== b) channels.push(net.channel(a, b));
  let sent = 0;
  let arrived = 0;
  for (let k = 0; k < 400; k++) {
    const at = random() * 20_000;
    const channel = channels[Math.floor(random() * channels.length)];
    const size = random() < 0.3 ? 1 + Math.floor(random() * 200) : 1 + Math.floor(random() * 20_000);
    net.schedule(at, () => {
      sent += size;
      net.send(channel, size, () => (arrived += size));
    });
  }
  net.runUntil(1e9);
  return { hosts, delivered, transmitted, sent: () => sent, arrived: () => arrived };
}

describe('Network links', () => {
  it('never sends faster than a host upload capacity nor receives faster than its download capacity', () => {
    for (let seed = 1; seed <= 16; seed++) {
      const order = seed % 2 === 0 ? controlFirst : roundRobin;
      const { hosts, delivered, transmitted, sent, arrived } = randomTraffic(seed, order, seed > 8);
      expect(arrived()).toBe(sent());
      for (const host of hosts) {
        const up = transmitted.filter((r) => r.channel.from === host);
        const down = delivered.filter((r) => r.channel.to === host);
        expect(up.length).toBeGreaterThan(0);
        expect(maxExcess(up, host.upload)).toBeLessThanOrEqual(1e-6);
        expect(maxExcess(down, host.download)).toBeLessThanOrEqual(1e-6);
        expect(host.bytesSent).toBe(up.reduce((s, r) => s + r.size, 0));
      }
    }
  });

  it('takes size/upload plus the latency for one message on an idle path, and keeps order per channel', () => {
    const net = new Network({ latencyMs: 50 });
    const a = net.addHost({ upload: 10_000, download: Infinity });
    const b = net.addHost({ upload: 10_000, download: Infinity });
    const channel = net.channel(a, b);
    const arrivals: Array<[number, number]> = [];
    net.send(channel, 5_000, () => arrivals.push([1, net.now]));
    net.send(channel, 1_000, () => arrivals.push([2, net.now]));
    net.runUntil(10_000);
    expect(arrivals).toEqual([
      [1, 550],
      [2, 650],
    ]);
  });

  it("holds a request behind the blocks its host handed to the uplink's queue before it, and no longer", () => {
    const net = new Network({ latencyMs: 50 });
    const a = net.addHost({ upload: 10_000, download: Infinity, queueMs: 500 });
    const b = net.addHost({ upload: 10_000, download: Infinity });
    const c = net.addHost({ upload: 10_000, download: Infinity });
    const toB = net.channel(a, b);
    const toC = net.channel(a, c);
    const arrivals: Array<[string, number]> = [];
    // Five blocks to b: the first leaves at once, four wait in the queue. The request to c, handed over after them,
    // waits behind all five whatever the channels' turns, as in a router's queue.
    for (let i = 0; i < 5; i++) net.send(toB, 1_000, () => arrivals.push([`block ${i}`, net.now]));
    net.send(toC, 100, () => arrivals.push(['request', net.now]));
    net.runUntil(10_000);
    expect(arrivals.map(([what]) => what)).toEqual([
      'block 0',
      'block 1',
      'block 2',
      'block 3',
      'block 4',
      'request',
    ]);
    expect(arrivals.at(-1)).toEqual(['request', 560]);
    // One block ahead: the request waits for that one only, not the queue's whole depth.
    net.send(toB, 1_000, () => arrivals.push(['block', net.now]));
    net.send(toC, 100, () => arrivals.push(['request alone', net.now]));
    net.runUntil(20_000);
    expect(arrivals.slice(-2)).toEqual([
      ['block', 10_150],
      ['request alone', 10_160],
    ]);
  });

  it("keeps what does not fit the uplink's queue in the channels, where the policy picks it", () => {
    const net = new Network({ latencyMs: 0, order: controlFirst });
    const a = net.addHost({ upload: 40_000, download: Infinity, queueMs: 200 });
    const b = net.addHost({ upload: 40_000, download: Infinity });
    const bulk = net.channel(a, b);
    const control = net.channel(a, b);
    const order: string[] = [];
    // The first block leaves, two fill the 8,000-byte queue, the rest wait in the channel, reported as queued.
    for (let i = 0; i < 6; i++) net.send(bulk, 4_000, () => order.push('block'));
    expect(net.queuedBytes(a)).toBe(12_000);
    net.send(control, 100, () => order.push('request'));
    net.runUntil(10_000);
    // The request goes ahead of the blocks still in the channel, not of those in the queue.
    expect(order).toEqual(['block', 'block', 'block', 'request', 'block', 'block', 'block']);
  });

  it('shares an uplink among its channels in turn', () => {
    const net = new Network({ latencyMs: 0 });
    const a = net.addHost({ upload: 1_000, download: Infinity });
    const b = net.addHost({ upload: 1_000, download: Infinity });
    const c = net.addHost({ upload: 1_000, download: Infinity });
    const ab = net.channel(a, b);
    const ac = net.channel(a, c);
    const order: string[] = [];
    net.send(net.channel(a, a), 100, () => order.push('first')); // keeps the uplink busy while the others queue
    for (let i = 0; i < 3; i++) net.send(ab, 100, () => order.push('b'));
    for (let i = 0; i < 3; i++) net.send(ac, 100, () => order.push('c'));
    net.runUntil(10_000);
    expect(order).toEqual(['first', 'b', 'c', 'b', 'c', 'b', 'c']);
  });

  it('keeps the order of messages within a channel under every policy', () => {
    for (const order of [roundRobin, controlFirst]) {
      const random = mulberry32(11);
      const net = new Network({ latencyMs: 5, order });
      const a = net.addHost({ upload: 1_000, download: Infinity });
      const b = net.addHost({ upload: 1_000, download: 5_000 });
      const channels = [net.channel(a, b), net.channel(a, b), net.channel(a, b)];
      const sent = channels.map(() => [] as number[]);
      const got = channels.map(() => [] as number[]);
      for (let k = 0; k < 60; k++) {
        const i = Math.floor(random() * channels.length);
        const size = random() < 0.5 ? 1 + Math.floor(random() * 100) : 1_000 + Math.floor(random() * 3_000);
        sent[i].push(k);
        net.send(channels[i], size, () => got[i].push(k));
      }
      net.runUntil(1e9);
      expect(got).toEqual(sent);
    }
  });

  it('control first: the channel whose next message is small goes before channels with bulk at their head', () => {
    const run = (order: MessageOrder) => {
      const net = new Network({ latencyMs: 0, order });
      const a = net.addHost({ upload: 1_000, download: Infinity });
      const b = net.addHost({ upload: 1_000, download: Infinity });
      const c = net.addHost({ upload: 1_000, download: Infinity });
      const d = net.addHost({ upload: 1_000, download: Infinity });
      const got: string[] = [];
      net.send(net.channel(a, a), 2_000, () => got.push('first')); // keeps the uplink busy while the others queue
      net.send(net.channel(a, b), 2_000, () => got.push('block b'));
      net.send(net.channel(a, c), 2_000, () => got.push('block c'));
      net.send(net.channel(a, d), 10, () => got.push('request d'));
      net.runUntil(100_000);
      return got;
    };
    expect(run(roundRobin)).toEqual(['first', 'block b', 'block c', 'request d']);
    expect(run(controlFirst)).toEqual(['first', 'request d', 'block b', 'block c']);
  });

  it('drops what a crashed host had queued, and a closed channel delivers nothing more', () => {
    const net = new Network({ latencyMs: 10 });
    const a = net.addHost({ upload: 1_000, download: Infinity });
    const b = net.addHost({ upload: 1_000, download: Infinity });
    const channel = net.channel(a, b);
    let got = 0;
    for (let i = 0; i < 5; i++) net.send(channel, 1_000, () => got++);
    net.runUntil(2_500); // two messages out (1 s each), the third in flight
    net.crash(a);
    net.runUntil(20_000);
    expect(got).toBe(2);
    let closed = false;
    const other = net.channel(b, a);
    net.close(other, () => (closed = true));
    net.send(other, 10, () => got++);
    net.runUntil(30_000);
    expect(closed).toBe(true);
    expect(got).toBe(2);
  });

  it('rejects bad capacities and sizes', () => {
    const net = new Network({ latencyMs: 0 });
    expect(() => net.addHost({ upload: 0, download: 1 })).toThrow(/upload/);
    expect(() => net.addHost({ upload: 1, download: -1 })).toThrow(/download/);
    const a = net.addHost({ upload: 1, download: 1 });
    expect(() => net.send(net.channel(a, a), 0, () => {})).toThrow(/size/);
    expect(() => new Network({ latencyMs: -1 })).toThrow(/latency/);
  });
});

describe('a host’s uplink queue (what the lab reports to the engine for pacing)', () => {
  it('counts the bytes queued on all its channels that have not started to leave', () => {
    const seen: number[] = [];
    const net = new Network({
      latencyMs: 5,
      onTransmit: (channel) => seen.push(net.queuedBytes(channel.from)),
    });
    const a = net.addHost({ upload: 1000, download: Infinity });
    const b = net.addHost({ upload: 1000, download: Infinity });
    const c = net.addHost({ upload: 1000, download: Infinity });
    const ab = net.channel(a, b);
    const ac = net.channel(a, c);
    net.send(ab, 100, () => {});
    net.send(ab, 200, () => {});
    net.send(ac, 300, () => {});
    // The first message is on the wire; the two others wait.
    expect(net.queuedBytes(a)).toBe(500);
    expect(net.queuedBytes(b)).toBe(0);
    net.runUntil(10_000);
    // After the 100-byte message 500 wait; then the 200 (its channel got back in line first) leaves; then the 300.
    expect(seen).toEqual([500, 300, 0]);
  });
});

describe('Bytes sent by an instant', () => {
  it('counts a message as it leaves, so a window never reads more than the uplink capacity', () => {
    const net = new Network({ latencyMs: 10 });
    const a = net.addHost({ upload: 16_000, download: Infinity });
    const channel = net.channel(a, net.addHost({ upload: 1, download: Infinity }));
    net.schedule(100, () => net.send(channel, 16_000, () => {})); // leaves from 0.1 s to 1.1 s
    net.schedule(1_200, () => net.send(channel, 8_000, () => {})); // from 1.2 s to 1.7 s
    const samples: Array<[number, number]> = [];
    for (let at = 0; at <= 3_000; at += 1_000)
      net.schedule(at, () => samples.push([a.bytesSent, a.sentBy(net.now)]));
    net.runUntil(3_000);
    const perSecond = (k: 0 | 1) => samples.slice(1).map((s, i) => s[k] - samples[i][k]);
    // Whole messages at their end: the second from 1 s to 2 s takes 24 000 bytes, 1.5 times the capacity.
    expect(perSecond(0)).toEqual([0, 24_000, 0]);
    // As they leave: 0.9 s then 0.1 s of the first, and all of the second.
    expect(perSecond(1).map((bytes) => Math.round(bytes))).toEqual([14_400, 9_600, 0]);
    expect(a.sentBy(net.now)).toBe(a.bytesSent);
  });

  it('never grows faster than the capacity under random traffic, and ends equal to bytesSent', () => {
    const random = mulberry32(5);
    const net = new Network({ latencyMs: 20 });
    const hosts = [0, 1, 2].map(() => net.addHost({ upload: 2_000 + random() * 30_000, download: 50_000 }));
    for (let k = 0; k < 200; k++) {
      const from = hosts[k % 3];
      const channel = net.channel(from, hosts[(k + 1) % 3]);
      net.schedule(random() * 10_000, () => net.send(channel, 1 + Math.floor(random() * 20_000), () => {}));
    }
    const samples: Array<{ at: number; sent: number[] }> = [];
    for (let at = 0; at <= 200_000; at += 137)
      net.schedule(at, () => samples.push({ at, sent: hosts.map((host) => host.sentBy(net.now)) }));
    net.runUntil(200_000);
    for (let i = 1; i < samples.length; i++) {
      hosts.forEach((host, h) => {
        const bytes = samples[i].sent[h] - samples[i - 1].sent[h];
        expect(bytes).toBeGreaterThanOrEqual(0);
        expect(bytes).toBeLessThanOrEqual((host.upload * (samples[i].at - samples[i - 1].at)) / 1000 + 1e-6);
      });
    }
    for (const host of hosts) expect(host.sentBy(net.now)).toBeCloseTo(host.bytesSent, 6);
  });

  it('keeps what had left of a message cut off by a crash, and nothing more', () => {
    const net = new Network({ latencyMs: 10 });
    const a = net.addHost({ upload: 1_000, download: Infinity });
    net.send(net.channel(a, net.addHost({ upload: 1, download: Infinity })), 1_000, () => {});
    net.schedule(250, () => net.crash(a));
    net.runUntil(5_000);
    expect([a.bytesSent, a.sentBy(net.now)]).toEqual([0, 250]);
  });
});

describe('Latency of each host', () => {
  it("a message crosses the sender's access and the receiver's; a host without its own takes half the network's", () => {
    const net = new Network({ latencyMs: 40 });
    const near = net.addHost({ upload: 10_000, download: Infinity, latencyMs: 5 });
    const far = net.addHost({ upload: 10_000, download: Infinity, latencyMs: 50 });
    const plain = net.addHost({ upload: 10_000, download: Infinity });
    const arrivals: { [path: string]: number } = {};
    net.send(net.channel(near, far), 1_000, () => (arrivals.nearToFar = net.now));
    net.send(net.channel(far, near), 1_000, () => (arrivals.farToNear = net.now));
    net.send(net.channel(plain, near), 1_000, () => (arrivals.plainToNear = net.now));
    net.runUntil(10_000);
    // 100 ms on the uplink, then the path: 5 + 50 each way; 20 + 5 from the host without a latency of its own.
    expect(arrivals).toEqual({ nearToFar: 155, farToNear: 155, plainToNear: 125 });
    expect(net.latency(plain, plain)).toBe(40);
  });

  it("closes and aborts reach the far end after the path's latency", () => {
    const net = new Network({ latencyMs: 0 });
    const a = net.addHost({ upload: 1_000, download: Infinity, latencyMs: 30 });
    const b = net.addHost({ upload: 1_000, download: Infinity, latencyMs: 70 });
    const seen: Array<[string, number]> = [];
    net.close(net.channel(a, b), () => seen.push(['closed', net.now]));
    net.abort(net.channel(b, a), () => seen.push(['aborted', net.now]));
    net.runUntil(1_000);
    expect(seen).toEqual([
      ['closed', 100],
      ['aborted', 100],
    ]);
  });

  it('refuses a negative latency', () => {
    const net = new Network({ latencyMs: 0 });
    expect(() => net.addHost({ upload: 1, download: 1, latencyMs: -1 })).toThrow(/latency/);
  });
});

describe('Network.hold', () => {
  it('delivers nothing to the held host until the hold ends, then what came in order at the downlink’s rate', () => {
    const net = new Network({ latencyMs: 20 });
    const a = net.addHost({ upload: 100_000, download: Infinity });
    const b = net.addHost({ upload: 100_000, download: 50_000 });
    const channel = net.channel(a, b);
    const arrivals: [number, number][] = [];
    net.hold(b, 1000);
    for (let i = 1; i <= 3; i++) net.send(channel, 1000, () => arrivals.push([i, net.now]));
    net.runUntil(5000);
    // Each 1000-byte message takes 10 ms to leave and 20 ms to cross: all are there by 50 ms, and are held to 1 s;
    // the 50 kB/s downlink then takes 20 ms a message.
    expect(arrivals).toEqual([
      [1, 1000],
      [2, 1020],
      [3, 1040],
    ]);
  });

  it('leaves other hosts and later messages alone', () => {
    const net = new Network({ latencyMs: 20 });
    const a = net.addHost({ upload: 100_000, download: Infinity });
    const b = net.addHost({ upload: 100_000, download: Infinity });
    const arrivals: number[] = [];
    net.hold(b, 1000);
    net.send(net.channel(b, a), 1000, () => arrivals.push(net.now));
    net.schedule(2000, () => net.send(net.channel(a, b), 1000, () => arrivals.push(net.now)));
    net.runUntil(5000);
    expect(arrivals).toEqual([30, 2030]);
  });
});
