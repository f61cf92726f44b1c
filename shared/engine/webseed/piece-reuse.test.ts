// A web seed's piece buffers used again (EngineConfig.reusePieceBuffers, download/piece-pool.ts), through the whole
// session: checks and stores answered late, in batches (as a hash worker and a store's transactions answer), the
// bytes read only when answered, so a buffer handed out again while its piece was still being checked or stored
// would show as a failed check or a stored piece that differs.
import { describe, expect, it } from 'vitest';
import { createAnyInfo } from '../../codec/metainfo-v2';
import type { TorrentInfo } from '../../codec/metainfo';
import { sha1, sha1Sync } from '../../testing/sha1';
import { sha256 } from '../../testing/sha256';
import { TorrentSession } from '../session/session';
import type { EngineAction, EngineEvent } from '../contract/engine-types';
import { mulberry32, randomBytes } from '../testing/random';

const PIECE = 16 * 1024;
/** The seed's body comes in chunks that straddle pieces. */
const CHUNK = 5000;

/** A hybrid torrent of three files whose ends fall mid-piece (pad files after them) and its bytes, concatenated as
 * the torrent lays them out (pads as zeros). */
async function torrent(): Promise<{ info: TorrentInfo; bytes: Uint8Array }> {
  const random = mulberry32(3);
  const files = [7 * PIECE + 300, 5 * PIECE + 9000, 6 * PIECE].map((length, i) => ({
    path: [`f${i}`],
    data: randomBytes(random, length),
  }));
  const { info } = await createAnyInfo(
    files.map(({ path, data }) => ({
      path,
      length: data.length,
      read: async (o, n) => data.slice(o, o + n),
    })),
    { name: 'reuse', sha1, sha256, pieceLength: PIECE },
  );
  const v1 = info.v1!;
  const bytes = new Uint8Array(v1.length);
  v1.files.forEach((entry, i) => {
    const file = files.find((f) => f.path[0] === entry.path[0]);
    if (file) bytes.set(file.data, entry.offset);
    else expect(entry.pad ?? i < 0).toBe(true);
  });
  return { info: v1, bytes };
}

/** Drives the session: fetches answered a few pieces' worth at a time (`send`); checks and stores held until
 * `settle`, then answered together (a store a round after its check), reading the buffers only then. */
class LateAnswers {
  readonly session: TorrentSession;
  readonly stored = new Map<number, Uint8Array>();
  /** Every buffer a check was asked of. */
  readonly buffers = new Set<ArrayBufferLike>();
  /** A check was asked of a buffer whose piece was still being checked or stored. */
  reusedInUse = false;
  complete = false;
  now = 0;
  private readonly hashes: Array<Extract<EngineAction, { type: 'hash' }>> = [];
  private readonly stores: Array<Extract<EngineAction, { type: 'store' }>> = [];
  private readonly bodies: Array<{ request: number; body: Uint8Array; at: number }> = [];

  constructor(
    private readonly torrent: { info: TorrentInfo; bytes: Uint8Array },
    reusePieceBuffers: boolean,
  ) {
    const { info } = torrent;
    this.session = new TorrentSession({
      infoHash: info.infoHash,
      peerId: new Uint8Array(20).fill(1),
      info,
      random: () => 0,
      now: 0,
      webSeeds: ['https://s.example/d'],
      config: { reusePieceBuffers },
    });
  }

  feed(event: EngineEvent): void {
    for (const action of this.session.handle(event, this.now)) this.run(action);
  }

  /** Answers the stores held since the last settle (a transaction's pieces, a round later), then the checks held. */
  settle(): void {
    for (const action of this.stores.splice(0)) {
      this.stored.set(action.index, action.data.slice());
      this.feed({ type: 'stored', index: action.index });
    }
    for (const action of this.hashes.splice(0))
      this.feed({ type: 'hashed', id: action.id, digest: sha1Sync(action.data) });
  }

  private inUse(buffer: ArrayBufferLike): boolean {
    return [...this.hashes, ...this.stores].some((action) => action.data.buffer === buffer);
  }

  private run(action: EngineAction): void {
    if (action.type === 'hash') {
      if (this.inUse(action.data.buffer)) this.reusedInUse = true;
      this.buffers.add(action.data.buffer);
      this.hashes.push(action);
    } else if (action.type === 'store') this.stores.push(action);
    else if (action.type === 'complete') this.complete = true;
    else if (action.type === 'webseed-fetch') this.serve(action);
  }

  private serve(action: Extract<EngineAction, { type: 'webseed-fetch' }>): void {
    const { offset } = this.torrent.info.files[action.file];
    const body = this.torrent.bytes.subarray(offset + action.start, offset + action.end);
    this.bodies.push({ request: action.request, body, at: 0 });
  }

  /** Sends the next `bytes` of the bodies asked for, in chunks, the oldest first. */
  send(bytes: number): void {
    for (let left = bytes; left > 0 && this.bodies.length > 0;) {
      const answer = this.bodies[0];
      const data = answer.body.slice(answer.at, answer.at + Math.min(CHUNK, left));
      answer.at += data.length;
      left -= data.length;
      this.feed({ type: 'webseed-data', request: answer.request, data });
      if (answer.at < answer.body.length) continue;
      this.bodies.shift();
      this.feed({ type: 'webseed-end', request: answer.request });
    }
  }
}

function download(seeded: { info: TorrentInfo; bytes: Uint8Array }, reuse: boolean): LateAnswers {
  const driver = new LateAnswers(seeded, reuse);
  for (let round = 0; round < 100 && !driver.complete; round++) {
    driver.now += 250;
    driver.feed({ type: 'tick' });
    driver.send(3 * PIECE);
    driver.settle();
  }
  return driver;
}

describe("a web seed's piece buffers used again", () => {
  it('stores every piece byte-identical, each buffer handed out again only once its piece is stored', async () => {
    const seeded = await torrent();
    const driver = download(seeded, true);
    expect(driver.complete).toBe(true);
    const { info, bytes } = seeded;
    for (let index = 0; index < info.pieceCount; index++) {
      const from = index * info.pieceLength;
      const expected = bytes.subarray(from, Math.min(from + info.pieceLength, info.length));
      expect(Buffer.from(driver.stored.get(index)!).equals(expected)).toBe(true);
    }
    expect(driver.reusedInUse).toBe(false);
    expect(driver.buffers.size).toBeLessThan(info.pieceCount);
  });

  it('gives each piece a fresh buffer without the setting', async () => {
    const seeded = await torrent();
    const driver = download(seeded, false);
    expect(driver.complete).toBe(true);
    expect(driver.buffers.size).toBe(seeded.info.pieceCount);
  });
});
