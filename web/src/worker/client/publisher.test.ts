import { describe, expect, it } from 'vitest';
import type { PeerRow, TorrentView, WorkerToMain } from '../../lib/messages/protocol';
import { ViewMirror } from '../../lib/messages/view-delta';
import { ViewPublisher } from './publisher';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function view(infoHashHex: string, over: Partial<TorrentView> = {}): TorrentView {
  return {
    infoHashHex,
    name: infoHashHex.slice(0, 4),
    state: 'downloading',
    magnet: '',
    trackers: ['wss://t.example/'],
    progress: 0,
    length: 100,
    pieceCount: 2,
    have: 0,
    downloaded: 0,
    uploaded: 0,
    downloadRate: 0,
    uploadRate: 0,
    peers: 0,
    seeds: 0,
    files: [{ index: 0, path: 'f', length: 100, complete: false, chosen: true }],
    peerStats: [],
    availability: [0, 0],
    addedAt: 1,
    ...over,
  };
}

/** A publisher over a list the test changes, and what it posted. */
function setup(initial: TorrentView[]) {
  let current = initial;
  const posts: Array<Extract<WorkerToMain, { type: 'torrents' }>> = [];
  const publisher = new ViewPublisher(
    (message) => {
      if (message.type === 'torrents') posts.push(structuredClone(message));
    },
    () => current,
  );
  return {
    posts,
    publisher,
    set: (views: TorrentView[]) => (current = views),
    keys: (k: number) => posts[k].torrents.map((posted) => posted.infoHashHex),
  };
}

describe('ViewPublisher', () => {
  it('posts every view first, then nothing while no view changes', () => {
    const { posts, publisher, keys } = setup([view(A), view(B)]);
    publisher.publish();
    expect(keys(0)).toEqual([A, B]);
    expect(posts[0].listed).toEqual([A, B]);
    expect(posts[0].torrents[0].availability).toEqual({ full: [0, 0] });
    publisher.publish();
    publisher.publish();
    expect(posts).toHaveLength(1);
  });

  it('posts only the views that changed, with the keys of every listed torrent', () => {
    const { posts, publisher, set, keys } = setup([view(A), view(B)]);
    publisher.publish();
    set([view(A), view(B, { have: 1, progress: 50 })]);
    publisher.publish();
    expect(keys(1)).toEqual([B]);
    expect(posts[1].listed).toEqual([A, B]);
    expect(posts[1].torrents[0]).toMatchObject({ have: 1, progress: 50 });
    // A change inside a nested field counts.
    set([
      view(A, { files: [{ index: 0, path: 'f', length: 100, complete: true, chosen: true }] }),
      view(B, { have: 1, progress: 50 }),
    ]);
    publisher.publish();
    expect(keys(2)).toEqual([A]);
  });

  it('posts a view whose availability or peers alone changed, as their patches', () => {
    const { posts, publisher, set, keys } = setup([view(A), view(B)]);
    publisher.publish();
    set([view(A, { availability: [0, 1] }), view(B)]);
    publisher.publish();
    expect(keys(1)).toEqual([A]);
    expect(posts[1].torrents[0].availability).toEqual({ changed: [1, 1] });
    const peer = { peer: 'p1', downloadRate: 5 } as PeerRow;
    set([view(A, { availability: [0, 1] }), view(B, { peerStats: [peer] })]);
    publisher.publish();
    expect(keys(2)).toEqual([B]);
    expect(posts[2].torrents[0].peerStats).toEqual({ changed: [peer], gone: [] });
    expect(posts[2].torrents[0]).not.toHaveProperty('availability');
  });

  it('posts the new list when a torrent goes or the order changes, without the unchanged views', () => {
    const { posts, publisher, set } = setup([view(A), view(B)]);
    publisher.publish();
    set([view(B)]);
    publisher.publish();
    expect(posts[1]).toEqual({ type: 'torrents', torrents: [], listed: [B] });
    set([view(A), view(B)]);
    publisher.publish();
    // A listed again is new to the page: all of it is posted.
    expect(posts[2].torrents.map((posted) => posted.infoHashHex)).toEqual([A]);
    expect(posts[2].torrents[0].availability).toEqual({ full: [0, 0] });
  });

  it('posts the first list even when it is empty', () => {
    const { posts, publisher } = setup([]);
    publisher.publish();
    publisher.publish();
    expect(posts).toEqual([{ type: 'torrents', torrents: [], listed: [] }]);
  });

  it('with force, posts the list even when nothing changed', () => {
    const { posts, publisher } = setup([view(A)]);
    publisher.publish(true);
    publisher.publish(true);
    expect(posts).toHaveLength(2);
    expect(posts[1]).toEqual({ type: 'torrents', torrents: [], listed: [A] });
  });

  it('takes a field whose value is undefined as absent, and notices a change made in place', () => {
    const trackers = ['wss://t.example/'];
    const { posts, publisher, set } = setup([view(A, { trackers })]);
    publisher.publish();
    set([view(A, { trackers, error: undefined })]);
    publisher.publish();
    expect(posts).toHaveLength(1);
    trackers.push('wss://u.example/');
    publisher.publish();
    expect(posts).toHaveLength(2);
    expect(posts[1].torrents[0].trackers).toEqual(['wss://t.example/', 'wss://u.example/']);
  });

  it('publishes once after the current task however many milestones ask', async () => {
    const { posts, publisher, set } = setup([view(A)]);
    publisher.publishSoon();
    publisher.publishSoon();
    expect(posts).toHaveLength(0);
    await Promise.resolve();
    expect(posts).toHaveLength(1);
    set([view(A, { state: 'seeding' })]);
    publisher.publishSoon();
    await Promise.resolve();
    expect(posts).toHaveLength(2);
    expect(posts[1].torrents[0].state).toBe('seeding');
  });

  it("gives the page the worker's whole list after every post", () => {
    const { posts, publisher, set } = setup([view(A), view(B)]);
    const mirror = new ViewMirror();
    const lists: TorrentView[][] = [
      [view(A), view(B)],
      [view(A, { have: 1, availability: [-1, 0] }), view(B)],
      [view(A, { have: 1, availability: [-1, 0] }), view(B, { peerStats: [{ peer: 'p' } as PeerRow] })],
      [view(B, { peerStats: [{ peer: 'p' } as PeerRow] })],
    ];
    for (const list of lists) {
      set(list);
      publisher.publish(true);
      const posted = posts.at(-1)!;
      expect(mirror.apply(posted.torrents, posted.listed)).toEqual(list);
    }
  });
});
