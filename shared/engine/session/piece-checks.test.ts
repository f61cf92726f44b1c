import { describe, expect, it } from 'vitest';
import type { EngineAction } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import { PieceChecks } from './piece-checks';

/** A downloader that knows which pieces a player waits for, and records the answers it gets. */
function fakeDownloader(deadlines: number[]) {
  const answers: { index: number; digest: Uint8Array }[] = [];
  const downloader = {
    streaming: { hasDeadline: (index: number) => deadlines.includes(index) },
    pieceHashed: (index: number, digest: Uint8Array) => answers.push({ index, digest }),
  } as unknown as Downloader;
  return { downloader, answers };
}

function checks(deadlines: number[] = []) {
  const actions: EngineAction[] = [];
  const metadata: Uint8Array[] = [];
  const { downloader, answers } = fakeDownloader(deadlines);
  const room = new PieceChecks({
    act: (action) => actions.push(action),
    hashes: () => undefined,
    downloader: () => downloader,
    info: () => undefined,
    metadataHashed: (digest) => metadata.push(digest),
    now: () => 0,
  });
  return { room, actions, answers, metadata };
}

const idOf = (action: EngineAction | undefined): number => (action?.type === 'hash' ? action.id : -1);

describe('the session hash checks', () => {
  it('marks only a piece a player waits for as urgent', () => {
    const { room, actions } = checks([3]);
    room.piece(2, new Uint8Array(4));
    room.piece(3, new Uint8Array(4));
    expect(actions.map((action) => action.type === 'hash' && action.urgent === true)).toEqual([false, true]);
  });

  it('takes each answer once to what it was for', () => {
    const { room, actions, answers, metadata } = checks();
    room.piece(5, new Uint8Array(4));
    room.hash({ kind: 'metadata' }, new Uint8Array(4));
    const digest = new Uint8Array([1]);
    room.hashed(idOf(actions[0]), digest);
    room.hashed(idOf(actions[0]), digest);
    room.hashed(idOf(actions[1]), digest);
    expect(answers).toEqual([{ index: 5, digest }]);
    expect(metadata).toEqual([digest]);
  });

  it('ignores answers to checks handed out before a clear', () => {
    const { room, actions, answers } = checks();
    room.piece(1, new Uint8Array(4));
    room.clear();
    room.hashed(idOf(actions[0]), new Uint8Array([1]));
    expect(answers).toEqual([]);
  });
});
