// The super-seeding policy against a model of how libtorrent 2.0 hears a seed's `have`s (peer_connection.cpp,
// incoming_have): a `have` that completes the set of pieces the seed announced makes it a seed in libtorrent's eyes,
// and the connection is closed ("uninteresting upload-only peer") if libtorrent is not interested in it at that
// moment, before it looks at whether it lacks the piece the `have` names.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing/random';
import { SuperSeed, type Announce } from './super-seed';

class LibtorrentView {
  readonly told = new Set<number>();
  readonly holds = new Set<number>();
  interested = false;
  /** Closed us as an uninteresting upload-only peer while it still lacked pieces. */
  closedLacking = false;

  constructor(private readonly pieces: number) {}

  hear(index: number): void {
    if (this.told.has(index)) return;
    this.told.add(index);
    if (this.told.size === this.pieces && !this.interested) {
      if (this.holds.size < this.pieces) this.closedLacking = true;
      return;
    }
    if (!this.holds.has(index)) this.interested = true;
  }

  got(index: number): void {
    this.holds.add(index);
    this.interested = [...this.told].some((i) => !this.holds.has(i));
  }

  /** A piece it was told of and lacks. */
  wants(): number | undefined {
    return [...this.told].find((i) => !this.holds.has(i));
  }
}

function deliver(views: Map<string, LibtorrentView>, out: Announce<string>[]): void {
  for (const { peer, index } of out) views.get(peer)?.hear(index);
}

describe('SuperSeed as libtorrent hears it', () => {
  it('a downloader that fetches each offer at once is never told its last piece while it wants nothing', () => {
    const s = new SuperSeed<string>(3, mulberry32(1));
    const lt = new LibtorrentView(3);
    const views = new Map([['a', lt]]);
    deliver(views, s.join('a', 1));
    for (let index = lt.wants(); index !== undefined && !lt.closedLacking; index = lt.wants()) {
      lt.got(index);
      deliver(views, s.have('a', index));
    }
    expect(lt.closedLacking).toBe(false);
    expect(lt.told.size).toBe(3);
  });

  it('tells a lone downloader the pieces it lacks before those it holds', () => {
    const s = new SuperSeed<string>(3, mulberry32(1));
    const lt = new LibtorrentView(3);
    s.join('a', 0);
    for (const index of [0, 1]) {
      lt.got(index);
      s.have('a', index);
    }
    deliver(new Map([['a', lt]]), s.tellAll('a'));
    expect(lt.closedLacking).toBe(false);
  });

  it('no downloader is closed while it lacks pieces, whatever the order of offers, fetches, ticks and the end', () => {
    for (let run = 0; run < 300; run++) {
      const random = mulberry32(run);
      const pieces = 2 + Math.floor(random() * 7);
      const names = ['a', 'b', 'c'].slice(0, 1 + Math.floor(random() * 3));
      const s = new SuperSeed<string>(pieces, random);
      const views = new Map(names.map((name) => [name, new LibtorrentView(pieces)]));
      for (const name of names) deliver(views, s.join(name, Math.floor(random() * 3)));
      for (let step = 0; step < 200 && s.active; step++) {
        const name = names[Math.floor(random() * names.length)];
        const view = views.get(name)!;
        const roll = random();
        if (roll < 0.6) {
          const index = view.wants();
          if (index === undefined) continue;
          view.got(index);
          deliver(views, s.have(name, index));
        } else if (roll < 0.8) deliver(views, s.setTarget(name, Math.floor(random() * 5), true, step * 1000));
        else if (roll < 0.9) deliver(views, s.tick(step * 1000));
        else deliver(views, s.tellAll(name));
        if (s.covering) deliver(views, s.stop());
      }
      for (const [name, view] of views)
        expect({ run, name, closed: view.closedLacking }).toEqual({ run, name, closed: false });
    }
  });
});
