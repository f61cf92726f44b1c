// The least work of any web-seed client that checks and keeps what it downloads, with no engine: one worker fetches
// the file whole as a stream, cuts it into pieces, hashes each piece as a hybrid torrent needs (SHA-1 of the piece,
// SHA-256 of each 16 KiB block) and writes it into a file of the origin-private file system through a synchronous
// access handle, as the app's piece store does. No requests to plan, no piece picking, no messages between threads.
// The web-seed bench (bench/browser/webseed-floor.ts) times it beside the app, so the app's rate can be read against
// what this machine's two cores allow, not only against a fetch that keeps nothing.
import type { BenchResult, SeedFloorRequest } from './messages';
import { OpfsDirectory } from '../worker/storage/opfs-directory';
import type { SyncFile } from '../worker/storage/sync-file';

const BLOCK = 16 * 1024;
/** Pieces being hashed at once: SubtleCrypto hashes off this thread, so the next bodies are read meanwhile. */
const HASHING_AT_ONCE = 8;
const FILE = 'bench-seed-floor';

/** SHA-1 of the piece and SHA-256 of each of its blocks, as a hybrid torrent's check needs. */
async function hashPiece(piece: Uint8Array<ArrayBuffer>): Promise<void> {
  const digests: Promise<ArrayBuffer>[] = [crypto.subtle.digest('SHA-1', piece)];
  for (let at = 0; at < piece.length; at += BLOCK)
    digests.push(crypto.subtle.digest('SHA-256', piece.subarray(at, at + BLOCK)));
  await Promise.all(digests);
}

/** The floor's file, opened as the app's piece store opens its files (OpfsDirectory), and how to remove it. */
async function openFile(): Promise<{ handle: SyncFile; remove(): Promise<void> }> {
  const directory = await OpfsDirectory.open();
  const handle = await directory.open(FILE);
  return {
    handle,
    async remove() {
      handle.close();
      await directory.remove(FILE);
    },
  };
}

/** Cuts a byte stream into pieces of `pieceLength` and hands each to `complete` in order. */
async function readPieces(
  body: ReadableStream<Uint8Array>,
  pieceLength: number,
  complete: (piece: Uint8Array<ArrayBuffer>) => Promise<void>,
): Promise<void> {
  const reader = body.getReader();
  let piece = new Uint8Array(pieceLength);
  let filled = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let at = 0; at < value.length;) {
      const n = Math.min(value.length - at, pieceLength - filled);
      piece.set(value.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled < pieceLength) continue;
      await complete(piece);
      piece = new Uint8Array(pieceLength);
      filled = 0;
    }
  }
  if (filled > 0) await complete(piece.subarray(0, filled));
}

/** Writes pieces one after another into `handle`, flushing every `flushEveryMs` (at the end only without it), and
 * counts the milliseconds spent in writes and in flushes. */
function pieceWriter(handle: SyncFile | undefined, flushEveryMs: number | undefined) {
  const spent = { writeMs: 0, flushMs: 0 };
  let stored = 0;
  let lastFlush = performance.now();
  const flush = () => {
    if (!handle) return;
    const before = performance.now();
    handle.flush();
    lastFlush = performance.now();
    spent.flushMs += lastFlush - before;
  };
  return {
    spent,
    get stored() {
      return stored;
    },
    write(piece: Uint8Array): void {
      if (handle) {
        const before = performance.now();
        handle.write(piece, stored);
        const after = performance.now();
        spent.writeMs += after - before;
        if (flushEveryMs !== undefined && after - lastFlush >= flushEveryMs) flush();
      }
      stored += piece.length;
    },
    flush,
  };
}

/** Seconds to fetch, cut, hash (`hash`) and write (`write`: into a file of its whole size first with `presize`,
 * flushed every `flushEveryMs` with it) the file at `url`, and the milliseconds spent in writes and flushes. */
export async function seedFloorBench(request: SeedFloorRequest): Promise<BenchResult> {
  const file = request.write ? await openFile() : undefined;
  try {
    const start = performance.now();
    if (request.presize) file?.handle.truncate(request.size);
    const response = await fetch(request.url, { cache: 'no-store' });
    if (!response.ok || !response.body) throw new Error(`the server answered ${response.status}`);
    const hashing = new Set<Promise<void>>();
    const writer = pieceWriter(file?.handle, request.flushEveryMs);
    await readPieces(response.body, request.pieceLength, async (piece) => {
      writer.write(piece);
      if (!request.hash) return;
      const job: Promise<void> = hashPiece(piece).finally(() => hashing.delete(job));
      hashing.add(job);
      if (hashing.size >= HASHING_AT_ONCE) await Promise.race(hashing);
    });
    await Promise.all(hashing);
    writer.flush();
    const seconds = (performance.now() - start) / 1000;
    if (writer.stored !== request.size) throw new Error(`read ${writer.stored} of ${request.size} bytes`);
    return { seconds, ...writer.spent };
  } finally {
    await file?.remove();
  }
}
