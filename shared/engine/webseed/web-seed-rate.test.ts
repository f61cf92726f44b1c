// A download fed by a web seed alone counts the seed's bytes in its rate and its time left: the card's `… left`
// reads every source, not only peers.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { TorrentSession } from '../session/session';
import type { EngineAction } from '../contract/engine-types';
import { randomTorrent } from '../testing/swarm';

const PIECE = 16 * 1024;

describe('a download from a web seed alone', () => {
  it('has a download rate and a time left from the seed’s bytes', () => {
    const { info, data } = randomTorrent(7, 64 * PIECE, { sha1: sha1Sync, pieceLength: PIECE });
    const session = new TorrentSession({
      infoHash: info.infoHash,
      peerId: new Uint8Array(20).fill(2),
      info,
      random: () => 0,
      now: 0,
      webSeeds: ['https://files.example.org/test.bin'],
    });
    const fetches: Array<Extract<EngineAction, { type: 'webseed-fetch' }>> = [];
    const run = (actions: EngineAction[]) => {
      for (const action of actions) if (action.type === 'webseed-fetch') fetches.push(action);
    };
    run(session.handle({ type: 'tick' }, 0));
    expect(fetches.length).toBeGreaterThan(0);
    expect(session.stats(0).timeLeft).toBeUndefined();
    // 1 MiB of the seed's answer over 2 s: 512 KiB/s, its first bytes not yet a whole piece's check.
    const [first] = fetches;
    const body = data.subarray(first.start, first.end);
    let now = 0;
    for (let at = 0; at + 4096 <= Math.min(body.length, 1024 * 1024); at += 4096) {
      now += 2000 / 256;
      run(
        session.handle(
          { type: 'webseed-data', request: first.request, data: body.slice(at, at + 4096) },
          now,
        ),
      );
    }
    const stats = session.stats(now);
    expect(stats.downloadRate).toBeGreaterThan(256 * 1024);
    expect(stats.timeLeft).toBeDefined();
    expect(stats.timeLeft!).toBeCloseTo(stats.left / stats.downloadRate, 6);
  });
});
