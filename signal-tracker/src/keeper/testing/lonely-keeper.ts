// A keeper in the test's own process, on a tracker of its own and a clock the test moves: its fetch slots, its quota
// and its folder are looked at directly, without the HTTP routes (whose checks keep-bounds.process.test.ts covers).
import { encode, decode, type BDict } from '../../../../shared/codec/bencode';
import { startServer, type RunningServer } from '../../server';
import type { KeeperLimits } from '../keep-policy';
import { Keeper, type KeepReply } from '../keeper';
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
): Promise<LonelyKeeper> {
  const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
  scene.scratch.keep(server, (running) => running.close());
  const clock = { now: Date.now() };
  const options = { folder, limits, tracker: server.trackerUrl, iceServers: [], now: () => clock.now };
  const keeper = scene.scratch.keep(new Keeper(options), (kept) => kept.close());
  await keeper.resume();
  return {
    keeper,
    server,
    clock,
    keep: (share, address) => keeper.keep(share.torrent, address, TOKEN, share.infoHash),
  };
}

/** `torrent` with `bytes` of padding outside its info dictionary: the same share, a larger .torrent. */
export function padTorrent(torrent: Uint8Array, bytes: number): Uint8Array {
  const dict = decode(torrent) as BDict;
  return encode({ ...dict, 'x-padding': new Uint8Array(bytes).fill(0x61) });
}
