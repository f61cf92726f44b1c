// Figures 3 and 4, in a worker like the app's engine: the worker's own modules (SHA-1 through lib/hash, the
// piece check of the engine, the piece file store over the origin-private file system where the app keeps piece
// bytes, the batched writer and the piece cache over the IndexedDB adapter) against raw SubtleCrypto and idb-keyval
// one call at a time.
import { clear, createStore, get, set } from 'idb-keyval';
import { digestMatches } from '../../../shared/engine/verify/verify';
import { subtleSha1 } from '../lib/hash';
import { pieceKey } from '../lib/storage/storage';
import { IdbStore } from '../lib/storage/storage-idb';
import { BatchWriter } from '../worker/storage/batch-writer';
import { OpfsDirectory, syncHandlesAvailable } from '../worker/storage/opfs-directory';
import { PIECE_FILE_TRANSACTION_MS, PieceFiles, SyncFilePieceStorage } from '../worker/storage/piece-file';
import { KeyValuePieceStorage } from '../worker/storage/key-value-storage';
import { PieceCache } from '../worker/storage/piece-cache';
import type { BenchReply, BenchRequest, BenchResult, StorageRequest, VerifyRequest } from './messages';
import { shareBench } from './share';

const MB = 1e6;

/** `count` buffers of `length` bytes, filled from a random pool (hashing and storing do not care which bytes). */
function makePieces(count: number, length: number): ArrayBuffer[] {
  const pool = new Uint8Array(1 << 20);
  for (let i = 0; i < pool.length; i += 65536) crypto.getRandomValues(pool.subarray(i, i + 65536));
  const pieces: ArrayBuffer[] = [];
  for (let p = 0; p < count; p++) {
    const piece = new Uint8Array(length);
    for (let at = 0; at < length; at += pool.length) {
      const offset = (p * 7919 + at) % (pool.length >> 1);
      piece.set(pool.subarray(offset, offset + Math.min(pool.length >> 1, length - at)), at);
    }
    piece[0] = p & 255;
    piece[1] = p >> 8;
    pieces.push(piece.buffer);
  }
  return pieces;
}

/** Runs `task(i)` for i in [0, count) with at most `inFlight` at once; returns the seconds taken. */
async function timed(
  count: number,
  inFlight: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
  return (performance.now() - start) / 1000;
}

async function best(rounds: number, measure: () => Promise<number>): Promise<number> {
  let top = 0;
  for (let r = 0; r < rounds; r++) top = Math.max(top, await measure());
  return top;
}

async function verify(request: VerifyRequest): Promise<BenchResult> {
  const { pieceLength, pieces: count, inFlight, rounds } = request;
  const pieces = makePieces(count, pieceLength);
  const hashes = new Uint8Array(20 * count);
  await timed(count, inFlight, async (i) =>
    hashes.set(new Uint8Array(await crypto.subtle.digest('SHA-1', pieces[i])), 20 * i),
  );
  const bytes = count * pieceLength;
  const check = async (i: number) => {
    const digest = await subtleSha1(new Uint8Array(pieces[i]));
    if (!digestMatches(hashes, i, digest)) throw new Error(`piece ${i} failed its check`);
  };
  const store = new IdbStore('swarmdrop-bench-verify', 'kv');
  await store.open();
  const result: BenchResult = {};
  // Interleaved rounds, so that a slow moment of the machine hits every path alike.
  let raw = 0;
  let ours = 0;
  let stored = 0;
  for (let r = 0; r < rounds; r++) {
    const rawRound = () => timed(count, inFlight, (i) => crypto.subtle.digest('SHA-1', pieces[i]));
    const oursRound = () => timed(count, inFlight, check);
    // Alternate which goes first, so that neither always runs on a warmer or a busier machine.
    const first = r % 2 === 0 ? await rawRound() : await oursRound();
    const second = r % 2 === 0 ? await oursRound() : await rawRound();
    raw = Math.max(raw, bytes / MB / (r % 2 === 0 ? first : second));
    ours = Math.max(ours, bytes / MB / (r % 2 === 0 ? second : first));
    if (r >= 2) continue; // two rounds of the slow store path are enough
    await store.delMany(await store.keys('piece:'));
    const writer = new BatchWriter(store);
    const puts: Promise<void>[] = [];
    const seconds = await timed(count, inFlight, async (i) => {
      await check(i);
      puts.push(writer.put(pieceKey('bench', i), pieces[i]));
    });
    const start = performance.now();
    await Promise.all(puts);
    stored = Math.max(stored, bytes / MB / (seconds + (performance.now() - start) / 1000));
  }
  await store.delMany(await store.keys('piece:'));
  result.rawSubtle = raw;
  result.verify = ours;
  result.verifyAndStore = stored;
  const filed = await verifyIntoFile(store, pieces, check, inFlight);
  if (filed !== undefined) result.verifyAndFile = filed;
  return result;
}

/** MB/s of the app's path where the browser has synchronous handles: each piece checked, then written through the
 * piece file store (one origin-private file, flushed before the verified map that counts it lands in IndexedDB),
 * until every write resolved; best of 2 rounds. Undefined without synchronous handles. */
async function verifyIntoFile(
  store: IdbStore,
  pieces: ArrayBuffer[],
  check: (i: number) => Promise<void>,
  inFlight: number,
): Promise<number | undefined> {
  if (!syncHandlesAvailable()) return undefined;
  const directory = await OpfsDirectory.open();
  const length = pieces[0].byteLength;
  const layout = { pieceLength: length, length: length * pieces.length };
  return best(2, async () => {
    const writer = new BatchWriter(store, { minIntervalMs: PIECE_FILE_TRANSACTION_MS });
    const files = new PieceFiles(directory, store, writer);
    const legacy = new KeyValuePieceStorage(store, writer, new PieceCache(store, writer), 'bench-file');
    const storage = new SyncFilePieceStorage(files, 'bench-file', () => layout, legacy);
    const writes: Promise<void>[] = [];
    try {
      const seconds = await timed(pieces.length, inFlight, async (i) => {
        await check(i);
        writes.push(storage.writePiece(i, pieces[i]));
      });
      const start = performance.now();
      await Promise.all(writes);
      await writer.flush();
      return (length * pieces.length) / MB / (seconds + (performance.now() - start) / 1000);
    } finally {
      await storage.deleteAll();
    }
  });
}

async function storage(request: StorageRequest): Promise<BenchResult> {
  const { pieceLength, pieces: count, rounds } = request;
  const pieces = makePieces(count, pieceLength);
  const keys = pieces.map((_, i) => pieceKey('bench', i));
  const ours = new IdbStore('swarmdrop-bench-ours', 'kv');
  await ours.open();
  const rawStore = createStore('swarmdrop-bench-raw', 'kv');
  const result: BenchResult = {};

  result.oursWrite = await best(rounds, async () => {
    await ours.delMany(keys);
    const writer = new BatchWriter(ours);
    const start = performance.now();
    await Promise.all(keys.map((key, i) => writer.put(key, pieces[i])));
    return count / ((performance.now() - start) / 1000);
  });
  result.rawWrite = await best(rounds, async () => {
    await clear(rawStore);
    const start = performance.now();
    for (let i = 0; i < count; i++) await set(keys[i], pieces[i], rawStore);
    return count / ((performance.now() - start) / 1000);
  });
  // Reads as a seeding tab serves them: several peers' requests at once, through the piece cache (a fresh
  // one each round, so nothing is served from memory).
  result.oursRead = await best(rounds, async () => {
    const cache = new PieceCache(ours, new BatchWriter(ours));
    const seconds = await timed(count, 8, async (i) => {
      if (!(await cache.read(keys[i]))) throw new Error(`piece ${i} missing`);
    });
    return count / seconds;
  });
  result.rawRead = await best(rounds, async () => {
    const start = performance.now();
    for (let i = 0; i < count; i++)
      if (!(await get(keys[i], rawStore))) throw new Error(`piece ${i} missing`);
    return count / ((performance.now() - start) / 1000);
  });
  await ours.delMany(keys);
  await clear(rawStore);
  return result;
}

self.addEventListener('message', (event: MessageEvent<BenchRequest>) => {
  const request = event.data;
  const work =
    request.type === 'verify'
      ? verify(request)
      : request.type === 'share'
        ? shareBench(request)
        : storage(request);
  work.then(
    (result) => self.postMessage({ id: request.id, result } satisfies BenchReply),
    (error: unknown) =>
      self.postMessage({
        id: request.id,
        error: String((error as Error)?.message ?? error),
      } satisfies BenchReply),
  );
});
