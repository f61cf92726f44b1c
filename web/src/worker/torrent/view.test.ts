import { describe, expect, it } from 'vitest';
import { torrentView, type ViewState } from './view';
import { fakeInfo, fakeStats } from './testing/fakes';

const info = fakeInfo(
  [
    { name: 'a.mp4', length: 15 },
    { name: '.pad/5', length: 5, pad: true },
    { name: 'b.txt', length: 20 },
  ],
  10,
  'show',
);

function state(change: Partial<ViewState> = {}): ViewState {
  return {
    infoHashHex: 'ab',
    record: { name: 'link name', trackers: ['wss://t'], addedAt: 42, skippedFiles: [2] },
    info,
    stats: fakeStats({ state: 'downloading', downloadRate: 1000, uploadRate: 10, peers: 2, seeds: 1 }),
    have: 2,
    failure: undefined,
    halted: false,
    magnet: 'magnet:?xt=urn:btih:ab',
    progress: 50,
    totals: { downloaded: 20, uploaded: 5, left: 20 },
    files: info.files,
    complete: [true, false, false],
    paths: new Map(),
    unreachable: undefined,
    stalled: undefined,
    timeLeft: undefined,
    ...change,
  };
}

describe('torrentView', () => {
  it("shows the info's name, sizes, totals and the session's rates", () => {
    const view = torrentView(state());
    expect(view).toMatchObject({
      infoHashHex: 'ab',
      name: 'show',
      state: 'downloading',
      magnet: 'magnet:?xt=urn:btih:ab',
      trackers: ['wss://t'],
      progress: 50,
      length: 40,
      pieceCount: 4,
      have: 2,
      downloaded: 20,
      uploaded: 5,
      left: 20,
      downloadRate: 1000,
      uploadRate: 10,
      peers: 2,
      seeds: 1,
      addedAt: 42,
    });
    expect(view.error).toBeUndefined();
  });

  it('lists the files by their index in the info, pad files left out, with what is complete and chosen', () => {
    expect(torrentView(state()).files).toEqual([
      { index: 0, path: 'a.mp4', length: 15, complete: true, chosen: true },
      { index: 2, path: 'b.txt', length: 20, complete: false, chosen: false },
    ]);
    expect(torrentView(state({ info: undefined })).files).toEqual([]);
  });

  it('shows a failure as the error state, with no rate or peer once halted', () => {
    const view = torrentView(
      state({ failure: { reason: 'disk full', needsPermission: false }, halted: true }),
    );
    expect(view.state).toBe('error');
    expect(view.error).toBe('disk full');
    expect([view.downloadRate, view.uploadRate, view.peers, view.seeds]).toEqual([0, 0, 0, 0]);
    expect(view.peerStats).toEqual([]);
    expect(view.resumeSharing).toBeUndefined();
  });

  it('says the engine would give a newcomer an idle place, while the session runs', () => {
    const stats = fakeStats({ state: 'seeding', peers: 50, idlePlace: true });
    expect(torrentView(state()).idlePlace).toBeUndefined();
    expect(torrentView(state({ stats })).idlePlace).toBe(true);
    expect(torrentView(state({ stats, halted: true })).idlePlace).toBeUndefined();
  });

  it('says the others hold every piece while this tab seeds and the session says so', () => {
    const stats = fakeStats({ state: 'seeding', peers: 4, othersHoldEvery: true });
    expect(torrentView(state({ stats })).othersHoldEvery).toBe(true);
    expect(
      torrentView(state({ stats: { ...stats, othersHoldEvery: undefined } })).othersHoldEvery,
    ).toBeUndefined();
    expect(torrentView(state({ stats, halted: true })).othersHoldEvery).toBeUndefined();
    const downloading = fakeStats({ state: 'downloading', othersHoldEvery: true });
    expect(torrentView(state({ stats: downloading })).othersHoldEvery).toBeUndefined();
  });

  it('offers `Resume sharing` when the shared files need the permission again', () => {
    const view = torrentView(
      state({ failure: { reason: 'cannot read a.mp4', needsPermission: true }, halted: true }),
    );
    expect(view.resumeSharing).toBe(true);
  });

  it('is stopped before any stats, named as the link named it, its length from the link', () => {
    const view = torrentView(
      state({
        info: undefined,
        stats: undefined,
        record: { name: 'link name', trackers: [], addedAt: 1, length: 99 },
      }),
    );
    expect(view).toMatchObject({
      state: 'stopped',
      name: 'link name',
      length: 99,
      pieceCount: 0,
      availability: [],
    });
    expect(view.sessionDownloaded).toBe(0);
  });

  it('names a private share by its manifest and carries its key; a share in place says so', () => {
    const record = {
      name: 'link name',
      trackers: [],
      addedAt: 1,
      sharedFiles: [],
      private: { key: 'k', manifest: { name: 'holiday', files: [] } },
    } as unknown as ViewState['record'];
    const view = torrentView(state({ record }));
    expect(view.name).toBe('holiday');
    expect(view.shareKey).toBe('k');
    expect(view.inPlace).toBe(true);
  });

  it('says why no peer is reached only while running and not paused', () => {
    const unreachable = 'no peer could be reached';
    expect(torrentView(state({ unreachable })).unreachable).toBe(unreachable);
    expect(torrentView(state({ unreachable, halted: true })).unreachable).toBeUndefined();
    const paused = fakeStats({ state: 'paused' });
    expect(torrentView(state({ unreachable, stats: paused })).unreachable).toBeUndefined();
  });

  it('says nobody connected has the rest only while downloading', () => {
    const stalled = 'Waiting for someone who has the rest: nobody is connected, and 50 % is still missing';
    expect(torrentView(state({ stalled })).stalled).toBe(stalled);
    expect(torrentView(state()).stalled).toBeUndefined();
    const seeding = fakeStats({ state: 'seeding' });
    expect(torrentView(state({ stalled, stats: seeding })).stalled).toBeUndefined();
  });

  it('shows no download rate while seeding, and the time left while running', () => {
    const seeding = fakeStats({ state: 'seeding', downloadRate: 500, timeLeft: 9 });
    const view = torrentView(state({ stats: seeding, timeLeft: 9 }));
    expect(view.downloadRate).toBe(0);
    expect(view.timeLeft).toBe(9);
    expect(torrentView(state({ stats: seeding, timeLeft: 9, halted: true })).timeLeft).toBeUndefined();
  });
});
