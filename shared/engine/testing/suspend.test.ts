// Background tabs in virtual time: a node suspended as a browser freezes a tab (./suspend.ts), and nodes whose ticks
// run as seldom as a hidden tab's clamped timers. The browser's own part (the page is hidden, frozen and resumed, and
// the app still works) is e2e/hidden-tabs.spec.ts's and e2e/firefox-hidden.spec.ts's.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import type { EngineConfig } from '../contract/engine-types';
import { suspend, type LateTick, type Suspension } from './suspend';
import { randomTorrent, Swarm, type NodeOptions, type SwarmNode } from './swarm';

const KiB = 1024;
const MiB = 1024 * KiB;
const torrent = randomTorrent(67, 2 * MiB, { sha1: sha1Sync, pieceLength: 32 * KiB });
const PIECES = torrent.info.pieceCount;
/** The seeder's uplink: the download takes about 16 s, so a suspension lands in its middle. */
const UPLOAD = 128 * KiB;
/** How long a frozen tab stays frozen: longer than a request takes, so the requests in flight time out. */
const FREEZE_MS = 60_000;
/** An idle timeout the suspension outlasts (the e2e tests' `?idle-timeout=10`). */
const SHORT_IDLE: Partial<EngineConfig> = { idleTimeoutMs: 10_000 };
/** Virtual time a download gets to finish after the resume. */
const AFTER_RESUME_MS = 300_000;

interface Pair {
  swarm: Swarm;
  seeder: SwarmNode;
  leech: SwarmNode;
}

function pair(seeder: Partial<NodeOptions> = {}, leech: Partial<NodeOptions> = {}): Pair {
  const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 1, uploadRate: UPLOAD });
  return {
    swarm,
    seeder: swarm.addNode({ name: 'seeder', seed: true, ...seeder }),
    // The e2e tests' downloader opens a magnet link: it fetches the metadata first.
    leech: swarm.addNode({ name: 'leech', magnet: true, ...leech }),
  };
}

const pieces = (node: SwarmNode) => node.session.have?.count() ?? 0;

/** Virtual times at which the node's session handled an event. */
function handled(node: SwarmNode): number[] {
  const times: number[] = [];
  const session = node.session;
  const handle = session.handle.bind(session);
  session.handle = (event, now) => {
    times.push(now);
    return handle(event, now);
  };
  return times;
}

/** Runs until the leech holds some pieces and not all. */
function untilMidDownload({ swarm, leech }: Pair): void {
  expect(swarm.run(() => pieces(leech) > 0, 60_000)).toBe(true);
  expect(pieces(leech)).toBeLessThan(PIECES);
}

/** Runs to the middle of the download, then suspends the `who` of the pair for FREEZE_MS; `times` are the virtual
 * times at which its session handled an event from then on. */
function suspendMidDownload(swarmPair: Pair, who: 'leech' | 'seeder', lateTick: LateTick) {
  untilMidDownload(swarmPair);
  const node = swarmPair[who];
  const times = handled(node);
  return { times, suspension: suspend(swarmPair.swarm, node, FREEZE_MS, lateTick) };
}

/** Runs until the suspended node has resumed. */
function runToResume({ swarm }: Pair, suspension: Suspension): void {
  swarm.runFor(suspension.until - swarm.now);
  expect(suspension.resumed).toBe(true);
}

/** The suspension ran its span, and the node's session handled nothing meanwhile (no message, answer or tick). */
function expectSlept(suspension: Suspension, times: number[]): void {
  expect(suspension.resumed).toBe(true);
  expect(suspension.ticksMissed).toBeGreaterThan(0);
  expect(times.filter((at) => at >= suspension.from && at < suspension.until)).toEqual([]);
}

/** Its uplink, once it has sent what its transport held at the suspension, sends nothing until just before the
 * resume; nor does `alsoStill` (what its peer holds) change from a second after that to then. */
function expectSilent(
  { swarm }: Pair,
  node: SwarmNode,
  suspension: Suspension,
  alsoStill: () => number = () => 0,
): void {
  expect(swarm.run(() => !node.host.transmitting && swarm.network.queuedBytes(node.host) === 0, 10_000)).toBe(
    true,
  );
  // What had left reaches its peer and is checked there.
  swarm.runFor(1_000);
  const sent = node.host.bytesSent;
  const still = alsoStill();
  swarm.runFor(suspension.until - swarm.now - 1);
  expect(node.host.bytesSent).toBe(sent);
  expect(alsoStill()).toBe(still);
}

/** Every piece verified and stored, the bytes the torrent's, nothing corrupt on the way, no error. */
function expectByteIdentical(node: SwarmNode): void {
  expect(node.complete).toBe(true);
  expect(node.session.have?.isComplete()).toBe(true);
  expect(node.storage.size).toBe(PIECES);
  expect(Buffer.from(node.bytes()).equals(Buffer.from(torrent.data))).toBe(true);
  expect(node.badHashes).toBe(0);
  expect(node.errors).toEqual([]);
}

function finish({ swarm, leech }: Pair): void {
  expect(swarm.run(() => leech.complete, AFTER_RESUME_MS)).toBe(true);
  expectByteIdentical(leech);
}

const connectionsTo = (node: SwarmNode, other: SwarmNode) =>
  [...node.connections.values()].filter((connection) => connection.remote === other).map((c) => c.key);

/** `node` is connected to `other` again, over a connection other than `first`, and `first` is gone. */
const foundAgain = (node: SwarmNode, other: SwarmNode, first: string) => {
  const now = connectionsTo(node, other);
  return now.length > 0 && !now.includes(first);
};

const LATE_TICKS: LateTick[] = ['first', 'last'];

describe.each(LATE_TICKS)('a suspended node whose late tick fires %s at the resume', (lateTick) => {
  it('a downloading node suspended mid-download goes on after the resume and finishes byte-identical', () => {
    const swarmPair = pair();
    const { swarm, leech, seeder } = swarmPair;
    const { times, suspension } = suspendMidDownload(swarmPair, 'leech', lateTick);
    const atFreeze = pieces(leech);
    expectSilent(swarmPair, leech, suspension);
    // Nothing it had in hand got further while it slept.
    expect(pieces(leech)).toBe(atFreeze);
    runToResume(swarmPair, suspension);
    expectSlept(suspension, times);
    const atResume = pieces(leech);
    expect(atResume).toBeLessThan(PIECES);
    // Blocks flow again after the resume, over the connection it had: the blocks that come after their requests
    // timed out close nothing.
    expect(swarm.run(() => pieces(leech) > atResume, 30_000)).toBe(true);
    finish(swarmPair);
    expect(seeder.closes).toEqual([]);
    expect(leech.closes).toEqual([]);
  });

  it("a downloading node suspended past its peer's idle timeout finds the peer again and finishes byte-identical", () => {
    const swarmPair = pair({ config: SHORT_IDLE });
    const { swarm, leech, seeder } = swarmPair;
    const { suspension } = suspendMidDownload(swarmPair, 'leech', lateTick);
    const [first] = connectionsTo(leech, seeder);
    expect(first).toBeDefined();
    // Its only peer, the seeder, drops it for its silence: the connection is gone for good.
    expect(swarm.run(() => seeder.connections.size === 0, FREEZE_MS - 1)).toBe(true);
    expect(seeder.closes.map((close) => close.reason)).toContain('idle timeout');
    runToResume(swarmPair, suspension);
    expect(pieces(leech)).toBeLessThan(PIECES);
    // The rest can only come from the seeder over a new connection: it finds it again through the tracker.
    expect(swarm.run(() => foundAgain(leech, seeder, first!), 60_000)).toBe(true);
    finish(swarmPair);
    expect(leech.announces.filter((announce) => announce.event === 'completed')).toHaveLength(1);
  });

  it('a seeding node suspended mid-download serves the download to its end', () => {
    const swarmPair = pair();
    const { leech, seeder } = swarmPair;
    const { times, suspension } = suspendMidDownload(swarmPair, 'seeder', lateTick);
    // Nothing came from it while it slept.
    expectSilent(swarmPair, seeder, suspension, () => pieces(leech));
    runToResume(swarmPair, suspension);
    expectSlept(suspension, times);
    expect(pieces(leech)).toBeLessThan(PIECES);
    finish(swarmPair);
    // Over the connection it had: a late answer to a request that timed out closes nothing.
    expect(seeder.closes).toEqual([]);
    expect(leech.closes).toEqual([]);
  });

  it("a seeding node suspended past its downloader's idle timeout is found again and serves the download to its end", () => {
    const swarmPair = pair({}, { config: SHORT_IDLE });
    const { swarm, leech, seeder } = swarmPair;
    const { suspension } = suspendMidDownload(swarmPair, 'seeder', lateTick);
    const [first] = connectionsTo(leech, seeder);
    // The downloader drops its only peer for its silence.
    expect(swarm.run(() => !leech.connections.has(first!), FREEZE_MS - 1)).toBe(true);
    expect(leech.closes.find((close) => close.peer === first)?.reason).toBe('idle timeout');
    runToResume(swarmPair, suspension);
    expect(pieces(leech)).toBeLessThan(PIECES);
    expect(swarm.run(() => foundAgain(leech, seeder, first!), 60_000)).toBe(true);
    finish(swarmPair);
  });
});

describe('nodes whose ticks run as seldom as a background tab’s timers', () => {
  // Chromium runs a hidden tab's timers at most once a second, and after a while once a minute; Firefox clamps a
  // background tab's timers (its workers' too, where dom.workers.throttling is on) to once a second.
  const CLAMPS = [
    { clamp: 'once a second', tickMs: 1_000 },
    { clamp: 'once a minute', tickMs: 60_000 },
  ];

  it.each(CLAMPS)('a downloading node ticking $clamp finishes byte-identical', ({ tickMs }) => {
    const swarmPair = pair({}, { tickMs });
    finish(swarmPair);
  });

  it.each(CLAMPS)('a seeding node ticking $clamp serves the download to its end', ({ tickMs }) => {
    const swarmPair = pair({ tickMs });
    finish(swarmPair);
  });

  it('a seeding node pacing its upload and ticking once a second before its peer comes serves the whole download', () => {
    // Firefox with worker throttling, hidden before anyone downloads, no upload limit: the pacer alone (told what
    // its uplink holds, as the app's channel writer says) decides how fast it seeds.
    const swarm = new Swarm({
      torrent,
      sha1: sha1Sync,
      seed: 3,
      uploadRate: UPLOAD,
      reportUploadQueue: true,
    });
    const seeder = swarm.addNode({ name: 'seeder', seed: true, tickMs: 1_000 });
    const leech = swarm.addNode({ name: 'leech', magnet: true, joinAt: 10_000 });
    finish({ swarm, seeder, leech });
  });
});

describe('suspend', () => {
  it('refuses a span that is not positive and a node that is already suspended', () => {
    const { swarm, leech } = pair();
    expect(() => suspend(swarm, leech, 0)).toThrow(RangeError);
    suspend(swarm, leech, 1_000);
    expect(() => suspend(swarm, leech, 1_000)).toThrow(/not running/);
  });

  it('hands over what came in the order it came, the missed ticks as one', () => {
    const { swarm, leech } = pair();
    const types: string[] = [];
    const session = leech.session;
    const handle = session.handle.bind(session);
    session.handle = (event, now) => {
      if (now >= 2_000) types.push(event.type);
      return handle(event, now);
    };
    swarm.runFor(1_000);
    const suspension = suspend(swarm, leech, 1_000, 'last');
    swarm.runFor(1_000);
    // Ticks fell due every 200 ms of the second it slept; the seeder's messages wait with them.
    expect(suspension.ticksMissed).toBeGreaterThanOrEqual(4);
    const handedOver = types.slice(0, suspension.handedOver);
    expect(handedOver.filter((type) => type === 'tick')).toEqual(['tick']);
    expect(handedOver.at(-1)).toBe('tick');
    expect(handedOver).toContain('peer-data');
  });
});
