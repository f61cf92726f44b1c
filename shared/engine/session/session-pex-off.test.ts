// `peerExchange: false`: the session's extended handshake does not advertise sd_pex, so no neighbour counts on it to
// relay or gossip.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { sha1Sync } from '../../testing/sha1';
import { SD_PEX } from '../../codec/pex';
import type { EngineConfig } from '../contract/engine-types';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import { TorrentSession } from './session';

const { info } = randomTorrent(22, 64 * 1024, { sha1: sha1Sync, pieceLength: 16 * 1024 });

/** The sd_pex id the session's extended handshake names to a peer that just shook hands (0: none). */
function advertised(config: Partial<EngineConfig>, seed: boolean): number {
  const clock = { now: 1_000 };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-ourselves'),
    info,
    have: seed ? Bitfield.full(info.pieceCount) : undefined,
    random: mulberry32(1),
    now: clock.now,
    config,
  });
  session.handle({ type: 'tick' }, clock.now);
  const peer = new MockPeer(session, 'alice#1', idFrom('alice'), info.infoHash, clock);
  peer.connect();
  peer.handshake();
  return peer.sessionExtensions()[SD_PEX] ?? 0;
}

describe('the extended handshake and peerExchange', () => {
  for (const [name, config, seed] of [
    ['a downloader', {}, false],
    ['a seed', { superSeed: false }, true],
    ['a super-seeding seed', { superSeed: true }, true],
  ] as const) {
    it(`${name} advertises sd_pex by default`, () => {
      expect(advertised(config, seed)).toBeGreaterThan(0);
    });

    it(`${name} does not advertise it with peerExchange: false`, () => {
      expect(advertised({ ...config, peerExchange: false }, seed)).toBe(0);
    });
  }
});
