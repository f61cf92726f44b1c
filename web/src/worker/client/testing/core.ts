// A client's core for the rooms' own tests: the real engine and SubtleCrypto hashing over an in-memory store, every
// post kept.
import { TorrentSession } from '../../../../../shared/engine/session/session';
import { createInfo, encodeTorrent } from '../../../../../shared/codec/metainfo';
import { subtleSha1 } from '../../../lib/hash';
import type { WorkerToMain } from '../../../lib/messages/protocol';
import { MemoryStore } from '../../../lib/storage/storage';
import { createCore, type ClientCore, type ClientOptions } from '../client-core';

export interface TestCore {
  core: ClientCore;
  store: MemoryStore;
  posts: WorkerToMain[];
}

export function testCore(options: Partial<ClientOptions> = {}): TestCore {
  const store = new MemoryStore();
  const posts: WorkerToMain[] = [];
  const core = createCore({
    store,
    createSession: (sessionOptions) => new TorrentSession(sessionOptions),
    post: (message) => posts.push(message),
    writer: { delayMs: 5 },
    estimateStorage: async () => undefined,
    ...options,
  });
  return { core, store, posts };
}

/** A context for an action of request `requestId`, with the app's tracker. */
export const context = (requestId = 1) => ({ requestId, defaultTrackers: ['wss://app.example/'] });

/** Bytes that differ from one seed to the next. */
export function testBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 0xff);
}

/** A v1 .torrent of one file holding `bytes`, with one tracker (or the tiers of `announce`). */
export async function testTorrent(
  bytes: Uint8Array<ArrayBuffer>,
  name = 'file.bin',
  announce: string[][] = [['wss://t.example/']],
) {
  const blob = new Blob([bytes]);
  const info = await createInfo(
    [
      {
        path: [name],
        length: bytes.length,
        read: async (at, n) => new Uint8Array(await blob.slice(at, at + n).arrayBuffer()),
      },
    ],
    { name, sha1: subtleSha1, pieceLength: 16384 },
  );
  const torrent = encodeTorrent({ info, announce });
  return { info, torrent: torrent.slice().buffer as ArrayBuffer };
}
