import { describe, expect, it } from 'vitest';
import type { PeerStats } from '../../../../shared/engine/contract/engine-types';
import {
  AvailabilityDiffer,
  applyAvailability,
  PeersDiffer,
  toPosted,
  ViewDiffer,
  ViewMirror,
} from './view-delta';
import type { TorrentView } from './protocol';

const A = 'aa'.repeat(20);
const B = 'bb'.repeat(20);

function view(infoHashHex: string, availability: number[], peerStats: PeerStats[] = []): TorrentView {
  return { infoHashHex, name: infoHashHex.slice(0, 4), availability, peerStats } as TorrentView;
}

function peer(key: string, downloadRate = 0): PeerStats {
  return { peer: key, peerId: key, client: 'c', downloadRate, uploadRate: 0, progress: 0 } as PeerStats;
}

/** A deterministic walk of availability states: peers come and go, pieces get verified (-1). */
function states(pieces: number, steps: number): number[][] {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const current = new Array<number>(pieces).fill(0);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const edits = Math.floor(random() * 5);
    for (let e = 0; e < edits; e++) {
      const i = Math.floor(random() * pieces);
      current[i] = random() < 0.3 ? -1 : Math.floor(random() * 4);
    }
    out.push(current.slice());
  }
  return out;
}

describe('availability changes', () => {
  it('reproduces every snapshot when the changes are applied in order', () => {
    const differ = new AvailabilityDiffer();
    let mirrored: number[] = [];
    for (const snapshot of states(200, 60)) {
      mirrored = applyAvailability(mirrored, differ.diff(A, snapshot));
      expect(mirrored).toEqual(snapshot);
    }
  });

  it('posts a full snapshot first, then nothing after no change, then only the changed cells', () => {
    const differ = new AvailabilityDiffer();
    expect(differ.diff(A, [0, 1, 2])).toEqual({ full: [0, 1, 2] });
    expect(differ.diff(A, [0, 1, 2])).toBeUndefined();
    expect(differ.diff(A, [0, -1, 2])).toEqual({ changed: [1, -1] });
    // Another piece count (metadata arrived) starts over with a snapshot.
    expect(differ.diff(A, [0, 0, 0, 0])).toEqual({ full: [0, 0, 0, 0] });
  });

  it('sends messages that scale with the changes, not with the piece count', () => {
    const sizes = [1_000, 100_000].map((pieces) => {
      const differ = new AvailabilityDiffer();
      const availability = new Array<number>(pieces).fill(1);
      const first = JSON.stringify(differ.diff(A, availability)).length;
      availability[pieces - 1] = -1;
      availability[3] = 2;
      const change = JSON.stringify(differ.diff(A, availability)).length;
      return { first, change };
    });
    expect(sizes[1].first).toBeGreaterThan(sizes[0].first * 50);
    expect(sizes[1].change).toBeLessThan(sizes[0].change + 10);
  });

  it('carries views from the worker to the page: snapshots for new torrents, none when unchanged', () => {
    const differ = new ViewDiffer();
    const mirror = new ViewMirror();
    const first = toPosted(differ, [view(A, [0, 1]), view(B, [2])]);
    expect(first.map((v) => v.availability)).toEqual([{ full: [0, 1] }, { full: [2] }]);
    expect(mirror.apply(first).map((v) => v.availability)).toEqual([[0, 1], [2]]);

    const second = toPosted(differ, [view(A, [0, 1]), view(B, [3])]);
    expect(second[0].availability).toBeUndefined();
    expect(second[0]).not.toHaveProperty('availability');
    const page = mirror.apply(second);
    expect(page.map((v) => v.availability)).toEqual([[0, 1], [3]]);
    expect(page[0].name).toBe(A.slice(0, 4));

    // B removed, then listed again: a full snapshot, which the page takes as it is.
    mirror.apply(toPosted(differ, [view(A, [0, 1])]));
    const back = toPosted(differ, [view(A, [0, 1]), view(B, [5])]);
    expect(back[1].availability).toEqual({ full: [5] });
    expect(mirror.apply(back)[1].availability).toEqual([5]);
  });
});

describe('ViewMirror with the listed keys', () => {
  it('keeps the views a post leaves out, in the listed order, and drops those no longer listed', () => {
    const differ = new ViewDiffer();
    const mirror = new ViewMirror();
    mirror.apply(toPosted(differ, [view(A, [0, 1]), view(B, [2])]), [A, B]);
    const kept = mirror.apply(toPosted(differ, [view(B, [4])]), [B, A]);
    expect(kept.map((v) => [v.infoHashHex, v.availability])).toEqual([
      [B, [4]],
      [A, [0, 1]],
    ]);
    expect(kept[1].name).toBe(A.slice(0, 4));
    expect(mirror.apply([], [B]).map((v) => v.infoHashHex)).toEqual([B]);
    // A listed again arrives as a new view: nothing of the old one is kept.
    const back = mirror.apply(toPosted(differ, [view(A, [7])]), [A, B]);
    expect(back.map((v) => v.availability)).toEqual([[7], [4]]);
  });

  it('gives a listed torrent’s latest view by its hash, and none once it is no longer listed', () => {
    const differ = new ViewDiffer();
    const mirror = new ViewMirror();
    mirror.apply(toPosted(differ, [{ ...view(A, [0]), idlePlace: true }, view(B, [1])]), [A, B]);
    expect(mirror.view(A)?.idlePlace).toBe(true);
    mirror.apply(toPosted(differ, [view(A, [0])]), [A, B]);
    expect(mirror.view(A)?.idlePlace).toBeUndefined();
    mirror.apply([], [B]);
    expect(mirror.view(A)).toBeUndefined();
    expect(mirror.view(B)?.availability).toEqual([1]);
  });
});

describe('peer changes', () => {
  it('posts every peer first, then only peers added, changed or gone, and the page keeps their order', () => {
    const differ = new PeersDiffer();
    expect(differ.diff(A, [peer('p1'), peer('p2')])).toEqual({ changed: [peer('p1'), peer('p2')], gone: [] });
    expect(differ.diff(A, [peer('p1'), peer('p2')])).toBeUndefined();
    expect(differ.diff(A, [peer('p1', 5), peer('p3')])).toEqual({
      changed: [peer('p1', 5), peer('p3')],
      gone: ['p2'],
    });

    const views = new ViewDiffer();
    const mirror = new ViewMirror();
    const snapshots = [
      [peer('p1'), peer('p2')],
      [peer('p1'), peer('p2', 3)],
      [peer('p2', 3), peer('p4')],
      [peer('p2', 3), peer('p4')],
      [],
    ];
    const sizes: number[] = [];
    for (const peers of snapshots) {
      const posted = toPosted(views, [view(A, [0], peers)]);
      sizes.push(JSON.stringify(posted[0].peerStats ?? null).length);
      expect(mirror.apply(posted)[0].peerStats).toEqual(peers);
    }
    expect(sizes[3]).toBe(4); // nothing changed: no peers in the post
    expect(sizes[1]).toBeLessThan(sizes[0]); // one peer changed: only it is posted
  });
});
