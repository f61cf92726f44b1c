// Test helper: a torrent downloaded from web seeds alone, in Node: the engine's session driven through the
// executor, the worker's fetcher doing the HTTP, pieces hashed with node's SHA-1 and kept in memory.
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import { createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { mulberry32, randomBytes } from '../../../../shared/engine/testing/random';
import { sha1 } from '../../../../shared/testing/sha1';
import { sha256 } from '../../../../shared/testing/sha256';
import { executeAction, type EnginePorts } from '../../../../shared/engine/session/executor';
import { TorrentSession } from '../../../../shared/engine/session/session';
import type { EngineEvent } from '../../../../shared/engine/contract/engine-types';
import { sha1Sync } from '../../../../shared/testing/sha1';
import { WebSeedFetcher } from '../web-seed-fetch';

/** A session fed by the fetcher: pieces hashed with node's SHA-1 and kept in memory. */
export function webSeedDownload(info: TorrentInfo, seeds: string[], fetcher = new WebSeedFetcher('http:')) {
  const stored = new Map<number, Uint8Array>();
  const state = { complete: false, now: 0 };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: new Uint8Array(20).fill(2),
    info,
    // Draws of 0 start the web seeds' search at the first piece, so a test knows the requests each file gets.
    random: () => 0,
    now: 0,
    webSeeds: seeds,
    // The store below copies each piece, as the app's do: its buffers are used again, as in the app.
    config: { reusePieceBuffers: true },
  });
  const feed = (event: EngineEvent): void => {
    for (const action of session.handle(event, state.now)) executeAction(action, ports, feed);
  };
  const ports: EnginePorts = {
    send: () => {},
    close: () => {},
    hash: (data, reply) => reply.ok(sha1Sync(data)),
    store: (index, data, reply) => {
      stored.set(index, data.slice());
      reply.ok();
    },
    read: (_peer, _index, _begin, _length, reply) => reply.fail('no reads'),
    announce: () => {},
    wantPeers: () => {},
    metadata: () => {},
    complete: () => (state.complete = true),
    error: (reason) => {
      throw new Error(reason);
    },
    webSeedFetch: (action, emit) => fetcher.fetch(action, emit),
    webSeedAbort: (request) => fetcher.abort(request),
  };
  const tick = (ms = 1000): void => {
    state.now += ms;
    feed({ type: 'tick' });
  };
  return { session, stored, state, tick };
}

/** A file's bytes from the stored pieces. */
export function bytesOf(info: TorrentInfo, stored: Map<number, Uint8Array>, name: string): Uint8Array {
  const file = info.files.find((entry) => entry.path[0] === name)!;
  const out = new Uint8Array(file.length);
  for (let at = 0; at < file.length;) {
    const offset = file.offset + at;
    const index = Math.floor(offset / info.pieceLength);
    const begin = offset - index * info.pieceLength;
    const piece = stored.get(index)!;
    const count = Math.min(file.length - at, piece.length - begin);
    out.set(piece.subarray(begin, begin + count), at);
    at += count;
  }
  return out;
}

/** A hybrid torrent `name` of random files (seeded by `seed`), its v1 info, and the files' bytes by name. */
export async function randomTorrent(
  name: string,
  files: Array<[string, number]>,
  seed: number,
  pieceLength: number,
): Promise<{ info: TorrentInfo; data: Map<string, Uint8Array> }> {
  const random = mulberry32(seed);
  const data = new Map(files.map(([file, length]) => [file, randomBytes(random, length)]));
  const { info } = await createAnyInfo(
    [...data].map(([file, bytes]) => ({
      path: [file],
      length: bytes.length,
      read: async (offset: number, length: number) => bytes.slice(offset, offset + length),
    })),
    { name, sha1, sha256, pieceLength },
  );
  return { info: info.v1!, data };
}

/** The files as a server holds them: by decoded path under /files/<torrent name>/. */
export const servedUnder = (name: string, data: Map<string, Uint8Array>): Map<string, Uint8Array> =>
  new Map([...data].map(([file, bytes]) => [`/files/${name}/${file}`, bytes]));
