import { describe, expect, it } from 'vitest';
import { TorrentSession } from '../../../../shared/engine/session/session';
import { FileChoice } from './file-choice';
import { fakeInfo, verifiedOf } from './testing/fakes';
import type { TorrentRecord } from '../storage/records';
import type { VerifiedPieces } from '../../../../shared/engine/verify/verified-pieces';

// Three files over 10-byte pieces: a (0..14, pieces 0-1), b (15..24, pieces 1-2), c (25..39, pieces 2-3).
const info = fakeInfo(
  [
    { name: 'a', length: 15 },
    { name: 'b', length: 10 },
    { name: 'c', length: 15 },
  ],
  10,
);

function setup(record: Pick<TorrentRecord, 'skippedFiles' | 'selectOnly'> = {}) {
  let writes = 0;
  const choice = new FileChoice(record, () => writes++);
  return { choice, record, writes: () => writes };
}

/** The stats of a session over `verified`, told the choice as the torrent host tells it. */
function statsOf(choice: FileChoice, verified: VerifiedPieces) {
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: new Uint8Array(20),
    info,
    have: verified,
    random: () => 0.5,
    now: 0,
  });
  const priorities = choice.priorities(info);
  if (priorities) session.handle({ type: 'file-priorities', priorities }, 0);
  return session.stats(0);
}

describe('FileChoice', () => {
  it('tells the session nothing while nothing was ever chosen', () => {
    expect(setup().choice.priorities(info)).toBeUndefined();
  });

  it('keeps a choice in range, sorted and once each, and writes the record', () => {
    const { choice, record, writes } = setup({ selectOnly: [0] });
    choice.choose([2, 2, -1, 7, 1.5, 0], info.files.length);
    expect(record.skippedFiles).toEqual([0, 2]);
    expect(record.selectOnly).toBeUndefined();
    expect(writes()).toBe(1);
    expect(choice.chosen(1)).toBe(true);
    expect(choice.chosen(2)).toBe(false);
    expect(choice.priorities(info)).toEqual(['skip', 'normal', 'skip']);
  });

  it("makes a magnet's `so` selection the choice once the files are known", () => {
    const { choice, record, writes } = setup({ selectOnly: [1] });
    expect(choice.priorities(info)).toEqual(['skip', 'normal', 'skip']);
    expect(record).toEqual({ skippedFiles: [0, 2] });
    expect(writes()).toBe(1);
  });

  it('skips pad files: nobody chose their zeros', () => {
    const padded = fakeInfo(
      [
        { name: 'a', length: 5 },
        { name: '.pad/5', length: 5, pad: true },
        { name: 'b', length: 10 },
      ],
      10,
    );
    const { choice } = setup({ skippedFiles: [] });
    expect(choice.priorities(padded)).toEqual(['normal', 'skip', 'normal']);
  });

  it("is progress over every piece, or over the chosen files' pieces while some are skipped", () => {
    const { choice } = setup();
    const verified = verifiedOf(info, [0, 1]);
    expect(choice.progress(statsOf(choice, verified), verified)).toBe(50);
    expect(choice.progress(undefined, undefined)).toBe(0);
    choice.choose([2], info.files.length);
    // Files a and b want pieces 0, 1, 2: two of three are here.
    expect(choice.progress(statsOf(choice, verified), verified)).toBeCloseTo(200 / 3);
    choice.choose([0, 1, 2], info.files.length);
    expect(choice.progress(statsOf(choice, verified), verified)).toBe(100);
  });

  it("is every piece's progress while no session could count the chosen files' pieces", () => {
    const { choice } = setup({ skippedFiles: [2] });
    expect(choice.progress(undefined, verifiedOf(info, [0]))).toBe(25);
    expect(choice.progress({ pieceCount: 0, wantedPieces: 0, wantedVerified: 0 }, undefined)).toBe(0);
  });
});
