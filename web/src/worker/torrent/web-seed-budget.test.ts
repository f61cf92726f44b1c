// `limit-web-seeds` at the worker's torrent host, with a real engine session and a fake fetch that holds every
// answer: a lowered budget stops the newest requests until what is still asked fits it, and the record keeps the
// budget, so the session a reload starts is held to it from its first request.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionOptions } from '../../../../shared/engine/contract/engine-types';
import { TorrentSession } from '../../../../shared/engine/session/session';
import type { TorrentRecord } from '../storage/records';
import { TorrentHost } from './host';
import { FakeWriter, fakeHostContext, fakeInfo, fakeRecord, settle } from './testing/fakes';

const PIECE = 256 * 1024;
const MiB = 1024 * 1024;
const SEED = 'https://files.example.org/share.bin';
const info = fakeInfo([{ name: 'share.bin', length: 8 * MiB }], PIECE, 'share.bin');

interface Asked {
  start: number;
  end: number;
  signal: AbortSignal;
}

/** A fetch that records each request's range and never answers (an abort rejects it, as a browser's does). */
function holdingFetch(asked: Asked[]): typeof fetch {
  return (_url, init) => {
    const signal = init!.signal!;
    const range = /^bytes=(\d+)-(\d+)$/.exec((init!.headers as Record<string, string>).Range)!;
    asked.push({ start: Number(range[1]), end: Number(range[2]) + 1, signal });
    return new Promise<Response>((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
    );
  };
}

/** Bytes the requests not stopped still ask for. */
const stillAsked = (asked: readonly Asked[]) =>
  asked.filter((a) => !a.signal.aborted).reduce((sum, a) => sum + a.end - a.start, 0);

function setup(record: TorrentRecord) {
  const writer = new FakeWriter();
  const options: SessionOptions[] = [];
  const create = (given: SessionOptions) => {
    options.push(given);
    return new TorrentSession(given);
  };
  // Draws of 0: the seed is asked from the first piece on.
  const ctx = fakeHostContext(writer, create, { random: () => 0 });
  return { host: new TorrentHost(ctx, record, info, undefined), writer, options };
}

const record = fakeRecord(info, 'share.bin', { webSeeds: [SEED] });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('a web-seed budget at the torrent host', () => {
  it('stops the newest requests a lowered budget no longer covers, and a reload keeps the budget', async () => {
    const asked: Asked[] = [];
    vi.stubGlobal('fetch', holdingFetch(asked));
    const first = setup({ ...record });
    first.host.start();
    await settle();
    const before = asked.length;
    expect(before).toBeGreaterThan(1);
    expect(stillAsked(asked)).toBeGreaterThan(1.5 * MiB);

    const budget = 1.5 * MiB;
    first.host.setWebSeedBudget(budget);
    await settle();
    // The oldest request goes on; the newest stopped until what is still asked fits the budget.
    expect(asked[0].signal.aborted).toBe(false);
    expect(asked[before - 1].signal.aborted).toBe(true);
    expect(stillAsked(asked)).toBeLessThanOrEqual(budget);

    const saved = first.writer.puts
      .map(([, value]) => value as TorrentRecord)
      .filter((value) => value.webSeeds)
      .pop();
    expect(saved?.webSeedBudget).toBe(budget);
    first.host.pause();
    await settle();

    const reloaded: Asked[] = [];
    vi.stubGlobal('fetch', holdingFetch(reloaded));
    const second = setup(structuredClone(saved!));
    second.host.start();
    await settle();
    expect(second.options[0].webSeedBudget).toBe(budget);
    expect(reloaded.length).toBeGreaterThan(0);
    expect(stillAsked(reloaded)).toBeLessThanOrEqual(budget);
    second.host.pause();
  });
});
