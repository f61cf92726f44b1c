// The attacks of a peer that repeats itself, against a session of a 400,000-piece torrent: its bitfield again and
// again, interest flapping, the same have. Each closes that peer within its work budget; the other peers stay.
import { describe, expect, it } from 'vitest';
import { encode } from '../../codec/bencode';
import { parseVerifiedInfo } from '../../codec/metainfo';
import { sha1Sync } from '../../testing/sha1';
import { DEFAULT_CHOKE_POLICY } from '../choke/policies';
import { PEER_WORK_BURST, PEER_WORK_PER_SECOND } from '../peer/message-budget';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32, randomBytes } from '../testing/random';
import { WorkCounter } from '../testing/work-counter';
import { OVER_BUDGET } from './peer-messages';
import { TorrentSession } from './session';
import type { WireMessage } from '../../codec/wire';
import type { EngineConfig } from '../contract/engine-types';

const PIECES = 400_000;
const PIECE_LENGTH = 16 * 1024;
const infoBytes = encode({
  length: PIECES * PIECE_LENGTH,
  name: new TextEncoder().encode('big.bin'),
  'piece length': PIECE_LENGTH,
  pieces: randomBytes(mulberry32(7), PIECES * 20),
});
const info = parseVerifiedInfo(infoBytes, sha1Sync(infoBytes));

function setup(attacker: string, config: Partial<EngineConfig> = {}) {
  const clock = { now: 1_000 };
  const counter = new WorkCounter(`${attacker}#1`);
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-ourselves'),
    info,
    random: mulberry32(5),
    now: clock.now,
    config: {
      wishlist: counter.wishlist(),
      chokePolicy: counter.chokePolicy(DEFAULT_CHOKE_POLICY),
      ...config,
    },
  });
  session.handle({ type: 'tick' }, clock.now);
  const peer = (label: string) => {
    const mock = new MockPeer(session, `${label}#1`, idFrom(label), info.infoHash, clock);
    mock.connect();
    mock.handshake({ fast: true });
    return mock;
  };
  return { session, clock, counter, peer };
}

/** A half-full bitfield of the torrent (50 KB). */
const bitfield: WireMessage = {
  type: 'bitfield',
  bytes: new Uint8Array(Math.ceil(PIECES / 8)).fill(0x55),
};

/** Sends `messages` a millisecond until the peer is closed or `ms` pass; returns the messages it got in. */
function flood(
  s: ReturnType<typeof setup>,
  peer: MockPeer,
  messages: () => WireMessage[],
  ms: number,
): number {
  let sent = 0;
  for (let t = 0; t < ms && !peer.closed; t++) {
    s.clock.now++;
    const batch = messages();
    peer.send(...batch);
    sent += batch.length;
  }
  return sent;
}

describe('a peer that repeats itself', () => {
  it('sends its bitfield once: a second one closes it, having cost the torrent’s pieces once', () => {
    const s = setup('liar');
    const honest = s.peer('honest');
    honest.send(bitfield, { type: 'interested' });
    const liar = s.peer('liar');
    flood(s, liar, () => [bitfield], 10_000);
    expect(liar.closed).toMatch(/bitfield after its first messages/);
    expect(s.counter.units).toBe(PIECES);
    expect(honest.closed).toBeUndefined();
    expect(s.session.stats(s.clock.now).peers).toBe(1);
  });

  it('flapping its interest is closed within its budget; the other peers stay', () => {
    const s = setup('flapper');
    const honest = s.peer('honest');
    honest.send(bitfield);
    const flapper = s.peer('flapper');
    flapper.send({ type: 'have-none' });
    // A thousand interested/not-interested pairs a millisecond, for at most 10 s.
    const pairs = () =>
      Array.from(
        { length: 1_000 },
        (_, i) => ({ type: i % 2 ? 'not-interested' : 'interested' }) as WireMessage,
      );
    const start = s.clock.now;
    const sent = flood(s, flapper, pairs, 10_000);
    expect(flapper.closed).toBe(OVER_BUDGET);
    // Each change of interest costs 1 + the 2 peers connected: no more got in than the budget pays for.
    const budget = PEER_WORK_BURST + (PEER_WORK_PER_SECOND * (s.clock.now - start)) / 1000;
    expect(sent).toBeLessThanOrEqual(budget / 3 + 1_000);
    expect(s.counter.units).toBeLessThanOrEqual(budget);
    expect(honest.closed).toBeUndefined();
  });

  it('the same have again and again is closed within its budget, and costs the picker nothing more', () => {
    const s = setup('echo');
    const echo = s.peer('echo');
    echo.send({ type: 'have-none' }, { type: 'have', index: 9 });
    const start = s.clock.now;
    const haves = () => Array.from({ length: 1_000 }, () => ({ type: 'have', index: 9 }) as WireMessage);
    const sent = flood(s, echo, haves, 10_000);
    expect(echo.closed).toBe(OVER_BUDGET);
    // A have costs 2 units; the picker counted each one as one look-up and changed nothing.
    const budget = PEER_WORK_BURST + (PEER_WORK_PER_SECOND * (s.clock.now - start)) / 1000;
    expect(sent).toBeLessThanOrEqual(budget / 2 + 1_000);
    expect(s.counter.units).toBeLessThanOrEqual(sent + 1);
  });

  it('an honest peer’s pace is well within it: a have and a keep-alive every millisecond for 10 s', () => {
    const s = setup('honest');
    const honest = s.peer('honest');
    honest.send({ type: 'have-none' });
    let index = 0;
    flood(s, honest, () => [{ type: 'have', index: index++ }, { type: 'keep-alive' }], 10_000);
    expect(honest.closed).toBeUndefined();
  });

  it('takes its budget from the config', () => {
    const s = setup('chatty', { peerWork: { perSecond: 100, burst: 100 } });
    const chatty = s.peer('chatty');
    let sent = 0;
    // At once: the 100 units saved up pay for 100 keep-alives, the 101st closes it.
    while (!chatty.closed && sent < 1_000) {
      chatty.send({ type: 'keep-alive' });
      sent++;
    }
    expect(chatty.closed).toBe(OVER_BUDGET);
    expect(sent).toBe(101);
  });
});
