// A keeper in the test's own process, on a tracker of its own and a clock the test moves: its fetch slots, its quota
// and its folder are looked at directly, without the HTTP routes (whose checks keep-bounds.process.test.ts covers).
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTorrent } from '../../../../node-host/torrent-source';
import { encode, decode, type BDict } from '../../../../shared/codec/bencode';
import { startServer, type RunningServer, type ServerOptions } from '../../server';
import type { KeepRecord, KeeperLimits } from '../keep-policy';
import { KeepStore } from '../keep-store';
import { Keeper, type KeepReply } from '../keeper';
import { pieceFromDisk } from './keep-proofs';
import { LIMITS, TOKEN, type KeeperScene, type Share } from './keeper-scene';

export interface LonelyKeeper {
  keeper: Keeper;
  server: RunningServer;
  /** The keeper's wall clock, in ms: the test moves it. */
  clock: { now: number };
  keep(share: Share, address: string): Promise<KeepReply>;
}

export async function lonelyKeeper(
  scene: KeeperScene,
  folder: string,
  limits: KeeperLimits = LIMITS,
  serverOptions: ServerOptions = {},
): Promise<LonelyKeeper> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: null,
    logError: () => {},
    ...serverOptions,
  });
  scene.scratch.keep(server, (running) => running.close());
  const clock = { now: Date.now() };
  const options = { folder, limits, tracker: server.trackerUrl, iceServers: [], now: () => clock.now };
  const keeper = scene.scratch.keep(new Keeper(options), (kept) => kept.close());
  await keeper.resume();
  return {
    keeper,
    server,
    clock,
    keep: async (share, address) => {
      // As a tab does: the first ask is answered with a challenge, the second carries the piece it names.
      const asked = await keeper.keep(share.torrent, address, TOKEN, share.infoHash);
      if (asked.ok || !asked.challenge) return asked;
      const bytes = await pieceFromDisk(share.source, share.torrent, asked.challenge.piece);
      return keeper.keep(share.torrent, address, TOKEN, share.infoHash, { ...asked.challenge, bytes });
    },
  };
}

/** `torrent` with `bytes` of padding outside its info dictionary: the same share, a larger .torrent. */
export function padTorrent(torrent: Uint8Array, bytes: number): Uint8Array {
  const dict = decode(torrent) as BDict;
  return encode({ ...dict, 'x-padding': new Uint8Array(bytes).fill(0x61) });
}

/** Writes `share` into the keeper's folder as a share it holds whole (its files, its .torrent, every piece verified)
 * and returns its record: a keeper resuming from the folder seeds it at once. */
export async function writeKeptShare(folder: string, share: Share, requester: string): Promise<KeepRecord> {
  const store = new KeepStore(folder);
  const { info } = await readTorrent(share.torrent);
  await store.saveTorrent(share.infoHash, share.torrent);
  await cp(share.root, join(store.filesFolder(share.infoHash), info.name), { recursive: true });
  const verified = new Uint8Array(Math.ceil(info.pieceCount / 8));
  for (let i = 0; i < info.pieceCount; i++) verified[i >> 3] |= 0x80 >> (i & 7);
  await writeFile(store.verifiedPath(share.infoHash), verified);
  const expiresAt = Date.now() + 3_600_000;
  return { infoHash: share.infoHash, length: info.length, requester, expiresAt, stopToken: share.infoHash };
}
