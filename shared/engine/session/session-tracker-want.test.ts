// What a session asks of its trackers when it meets peers through the swarm (`want-peers`' `swarm`): with neighbours
// that speak sd_pex the trackers are for first contact only; a peer that does not (a WebTorrent client), or
// starvation, sends the session back to them.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { SD_PEX } from '../../codec/pex';
import { sha1Sync } from '../../testing/sha1';
import type { EngineAction } from '../contract/engine-types';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import { TorrentSession } from './session';
import { STARVED_MS } from './starvation';

const { info } = randomTorrent(23, 8 * 16 * 1024, { sha1: sha1Sync, pieceLength: 16 * 1024 });

function setup() {
  const clock = { now: 1_000 };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-ourselves'),
    info,
    random: mulberry32(3),
    now: clock.now,
    config: { targetPeers: 4 },
  });
  session.handle({ type: 'tick' }, clock.now);
  /** A peer that shook hands, holding `pieces`, speaking sd_pex or not (`pending`: its BEP 10 handshake not come). */
  const peer = (label: string, pieces: number[], pex: boolean | 'pending') => {
    const mock = new MockPeer(session, `${label}#1`, idFrom(label), info.infoHash, clock);
    mock.connect();
    mock.handshake();
    if (pex !== 'pending') mock.extendedHandshake(pex ? { m: { ut_metadata: 1, [SD_PEX]: 5 } } : {});
    const have = new Bitfield(info.pieceCount);
    for (const index of pieces) have.set(index);
    mock.send({ type: 'bitfield', bytes: have.bytes });
    return mock;
  };
  /** The want-peers of ticks over `ms`, the last one. */
  const wantAfter = (ms: number) => {
    let last: Extract<EngineAction, { type: 'want-peers' }> | undefined;
    for (let spent = 0; spent < ms; spent += 1_000) {
      clock.now += 1_000;
      for (const action of session.handle({ type: 'tick' }, clock.now))
        if (action.type === 'want-peers') last = action;
    }
    return last;
  };
  return { peer, wantAfter };
}

describe("a session's want of its trackers", () => {
  it('asks them for nobody while every peer it is connected to speaks sd_pex', () => {
    const s = setup();
    s.peer('alice', [0, 1, 2], true);
    expect(s.wantAfter(6_000)).toEqual({ type: 'want-peers', count: 3, swarm: 3 });
  });

  it('asks them again once it is connected to a peer that does not speak sd_pex', () => {
    const s = setup();
    s.peer('alice', [0, 1, 2], true);
    s.peer('bob', [3], false);
    expect(s.wantAfter(6_000)).toEqual({ type: 'want-peers', count: 2 });
  });

  it('counts on the swarm still while a new peer has not yet said what it speaks', () => {
    const s = setup();
    s.peer('alice', [0, 1, 2], true);
    s.peer('carol', [4], 'pending');
    expect(s.wantAfter(6_000)).toEqual({ type: 'want-peers', count: 2, swarm: 2 });
  });

  it('asks them again when no neighbour has what it lacks for a while', () => {
    const s = setup();
    s.peer('alice', [], true);
    expect(s.wantAfter(6_000)).toMatchObject({ swarm: 3 });
    expect(s.wantAfter(STARVED_MS + 6_000)).toEqual({ type: 'want-peers', count: 3 });
  });
});
