// Shares for the tests against libtorrent: a fixture's files under a folder, a .torrent of them made by libtorrent or
// by SwarmDrop, and the same .torrent without its piece layers (so its receiver asks its peers with BEP 52 hash
// requests).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode, type BDict } from '../../shared/codec/bencode';
import { ltCreate, startLtPeer, type LtPeer, type LtPeerOptions } from '../../shared/testing/libtorrent';
import { makeTorrent, type TorrentKind } from '../make-torrent';
import { NodeHost } from '../node-host';
import { Scratch, writeFixture, type FixtureFile } from './fixtures';

/** A test's scratch with the two sides of the tests against libtorrent: Node hosts and libtorrent peers, each stopped
 * when the test ends. */
export class LtScratch extends Scratch {
  nodeHost(): NodeHost {
    return this.keep(new NodeHost(), (host) => host.stop());
  }

  async ltPeer(options: LtPeerOptions): Promise<LtPeer> {
    return this.keep(await startLtPeer(options), (peer) => peer.stop());
  }
}

export interface Shape {
  name: string;
  pieceLength: number;
  files: FixtureFile[];
  /** A single-file torrent (its one file named like the torrent). */
  single?: boolean;
}

export interface Share {
  /** The folder the torrent's name lives in (libtorrent's save path). */
  source: string;
  /** The shared file or folder. */
  root: string;
  name: string;
  torrentPath: string;
  torrent: Uint8Array;
}

/** The shape's files under `<source>/<name>`; the torrent made by `maker`. */
export async function makeShare(
  source: string,
  shape: Shape,
  maker: 'libtorrent' | 'swarmdrop',
  kind: TorrentKind,
): Promise<Share> {
  const name = shape.single ? 'single.bin' : 'share';
  const root = shape.single
    ? await writeFixture(source, '', [{ path: name, length: shape.files[0].length }], 11).then(() =>
        join(source, name),
      )
    : await writeFixture(source, name, shape.files, 11);
  const torrentPath = join(source, 'made.torrent');
  if (maker === 'libtorrent') await ltCreate(root, shape.pieceLength, kind, torrentPath);
  else await writeFile(torrentPath, await makeTorrent(root, { kind, pieceLength: shape.pieceLength }));
  return { source, root, name, torrentPath, torrent: new Uint8Array(await readFile(torrentPath)) };
}

/** The .torrent without its piece layers: whoever gets it must ask its peers for them (BEP 52 hash requests). */
export function withoutLayers(torrent: Uint8Array): Uint8Array {
  const dict = decode(torrent, { strictKeyOrder: false }) as BDict;
  delete dict['piece layers'];
  return encode(dict);
}
