import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../shared/engine/contract/engine-types';
import { toHex } from '../../../../shared/codec/hex';
import type { BatchWriter } from '../storage/batch-writer';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import type { TorrentRecord } from '../storage/records';
import { TorrentParts, type HostLink } from './parts';
import { earlyPieces } from './streams/play-start';
import { FakeSession, FakeWriter, fakeInfo, fakeRecord } from './testing/fakes';

const info = fakeInfo(
  [
    { name: 'film.mp4', length: 64 },
    { name: 'notes.txt', length: 64 },
  ],
  16,
);

/** The next torrent's peer id byte: each torrent takes its own. */
let nextPeerId = 9;

function setup(change: Partial<TorrentRecord> = {}, withInfo = true) {
  const known = withInfo ? info : undefined;
  const fed: EngineEvent[] = [];
  const writer = new FakeWriter();
  const session = new FakeSession();
  const host: HostLink = {
    feed: (event) => fed.push(event),
    fail: () => {},
    session: () => session,
    live: () => session,
    halted: () => false,
    removed: () => false,
    failed: () => false,
  };
  const record: TorrentRecord = fakeRecord(info, 'films', change);
  const ctx = {
    writer: writer as unknown as BatchWriter,
    pieces: () => ({}) as PieceStorage,
    sha1: async () => new Uint8Array(20),
    sha256: async () => new Uint8Array(32),
    post: () => {},
    clock: () => 0,
    random: () => 0.5,
    newPeerId: () => new Uint8Array(20).fill(nextPeerId++),
    createSession: () => session,
    keep: new WeakSet<ArrayBufferLike>(),
  };
  const parts = new TorrentParts(ctx, record, { info: known, stored: undefined }, host);
  return { parts, fed, writer, record };
}

describe('TorrentParts', () => {
  it("tells the session the early pieces, then a magnet's `so` selection as the file choice", () => {
    const { parts, fed, record } = setup({ selectOnly: [1] });
    parts.applyFileChoice();
    expect(fed).toEqual([
      { type: 'early-pieces', pieces: earlyPieces(info.files, info.pieceLength) },
      { type: 'file-priorities', priorities: ['skip', 'normal'] },
    ]);
    expect(record.skippedFiles).toEqual([0]);
  });

  it("starts a session from the verified pieces, a btmh-only link's by its full v2 hash", () => {
    const { parts } = setup();
    const { peerId } = parts.sessionOptions();
    expect(parts.sessionOptions()).toMatchObject({ info, have: parts.verified, peerId });
    // A session that restarts keeps the torrent's id (the engine knows its own connections by it); another torrent
    // of the tab has its own (a peer that meets one learns nothing of the other).
    expect(parts.sessionOptions().peerId).toEqual(peerId);
    expect(setup().parts.sessionOptions().peerId).not.toEqual(peerId);
    const full = 'ab'.repeat(32);
    const link = setup({ infoHashHex: full.slice(0, 40), infoHashV2: full }, false);
    expect(toHex(link.parts.sessionOptions().infoHashV2!)).toBe(full);
  });

  it('writes the totals on a tick once they are due', () => {
    const { parts, writer } = setup();
    parts.tick();
    expect(writer.puts.length).toBe(1);
    parts.tick();
    expect(writer.puts.length).toBe(1);
  });

  it('makes the view from the rooms: the files offered, each with whether it is complete', () => {
    const { parts } = setup();
    const state = parts.viewState({ failure: undefined, halted: false }, 0);
    expect(state.files).toBe(info.files);
    expect(state.complete).toEqual([false, false]);
    expect(state.magnet).toContain(`xt=urn:btih:${info.infoHashHex}`);
  });
});
