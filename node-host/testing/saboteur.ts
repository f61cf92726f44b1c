// A saboteur for the tests of bad data on the wire: a store that serves the second 16 KiB block of every piece with
// one byte flipped, and reads whole pieces (what a leaf-hash answer hashes) honestly. A peer seeding through it sends
// one bad block per piece of several blocks while its hashes stay true, so only block-layer hashes (BEP 52) tell
// which of a piece's senders was wrong.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOCK_SIZE } from '../../shared/codec/wire';
import type { LtPeer } from '../../shared/testing/libtorrent';
import { DiskPieceStorage, type DiskLayout } from '../disk-storage';
import type { NodeTorrentOptions } from '../node-torrent';
import type { LtScratch, Share } from './lt-shares';

/** Where in a piece the saboteur's bad block starts. */
export const BAD_BLOCK_BEGIN = 16 * 1024;

export class CorruptingStorage extends DiskPieceStorage {
  /** Bad blocks served so far. */
  corrupted = 0;

  override async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const bytes = await super.readBlock(index, begin, length);
    if (begin !== BAD_BLOCK_BEGIN || length === 0) return bytes;
    bytes[0] ^= 0xff;
    this.corrupted++;
    return bytes;
  }
}

/**
 * A saboteur whose part in a download does not depend on anyone's pace: it takes part in two pieces and no more. It
 * serves the first piece it is asked for whole, holding the last of its blocks back until it has served two blocks of
 * a second piece, and refuses every other block (a failed read: the engine sends a BEP 6 `reject`). The second block
 * it serves of each piece has a byte flipped. So the downloader gets two blocks of the second piece (one bad), then
 * the whole first piece from the saboteur alone: a failed piece it can blame on one peer, and a piece with a bad block
 * that it must finish elsewhere, so that it fails with two senders. A peer asks a piece's blocks before the next
 * piece's and keeps more than one request out, so the held block never stops it asking for the second piece; one
 * held read leaves the engine's other read slots free.
 */
export class SplitPieceSaboteur extends DiskPieceStorage {
  /** The piece served whole, then the piece served in part. */
  whole: number | undefined;
  split: number | undefined;
  /** Blocks served of each piece: reads begun, and reads done (the block on its way to the peer). */
  private readonly served = new Map<number, number>();
  private readonly sent = new Map<number, number>();
  private held: (() => void) | undefined;
  /** Reads refused so far (each a `reject` to the peer). */
  private refused = 0;

  override async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    // Whole pieces (of several blocks) are read to check the files and to answer leaf-hash requests: always honest.
    if (length > BLOCK_SIZE) return super.readBlock(index, begin, length);
    this.whole ??= index;
    if (index !== this.whole) this.split ??= index;
    const served = this.servedOf(index);
    if (index !== this.whole && (index !== this.split || served >= 2)) {
      this.refused++;
      throw new Error(`the saboteur refuses piece ${index} at ${begin}`);
    }
    this.served.set(index, served + 1);
    const last = index === this.whole && served === Math.ceil(this.pieceSize(index) / BLOCK_SIZE) - 1;
    if (last && this.sentOf(this.split) < 2) await new Promise<void>((resolve) => (this.held = resolve));
    const bytes = await super.readBlock(index, begin, length);
    if (served === 1) bytes[0] ^= 0xff;
    this.sent.set(index, this.sentOf(index) + 1);
    // The split piece's blocks are on their way: the held block follows them.
    if (index === this.split && this.sentOf(index) === 2) this.release();
    return bytes;
  }

  /** Blocks whose read began, to be served, of piece `index`. */
  servedOf(index: number): number {
    return this.served.get(index) ?? 0;
  }

  /** Blocks read and handed to the engine to send, of piece `index` (none of no piece). */
  sentOf(index: number | undefined): number {
    return index === undefined ? 0 : (this.sent.get(index) ?? 0);
  }

  /** Where it stands, for a failure message: what it served of each piece, whether a read is held, what it refused. */
  describe(): string {
    const piece = (index: number | undefined) =>
      index === undefined
        ? 'none yet'
        : `${index} (${this.servedOf(index)} reads begun, ${this.sentOf(index)} sent)`;
    const held = this.held ? 'held' : 'not held';
    return `saboteur: whole piece ${piece(this.whole)}, split piece ${piece(this.split)}, the whole piece's last block ${held}, ${this.refused} reads refused`;
  }

  override async close(): Promise<void> {
    this.release();
    await super.close();
  }

  private release(): void {
    this.held?.();
    this.held = undefined;
  }
}

/** A saboteur: a host (stopped with `scratch`) seeding `share` through a store of class `Store`; listening. */
export async function startSaboteur<S extends DiskPieceStorage>(
  scratch: LtScratch,
  share: Share,
  Store: new (folder: string, layout: DiskLayout, verifiedPath?: string) => S,
): Promise<{ port: number; store: S }> {
  let store: S | undefined;
  const host = scratch.nodeHost();
  await host.add({
    torrent: share.torrent,
    folder: share.source,
    openStorage: (folder, layout, verifiedPath) => (store = new Store(folder, layout, verifiedPath)),
  });
  return { port: await host.listen(0), store: store! };
}

/** A libtorrent download beside a saboteur: the saboteur (seeding `share` through `Store`), the engine seeding it
 * (its wire to `tap`, listening on `port`) and libtorrent, given the .torrent to save in `target`, connected to the
 * saboteur alone (the test connects it to the engine when it chooses). */
export async function ltBesideSaboteur<S extends DiskPieceStorage>(
  scratch: LtScratch,
  share: Share,
  Store: new (folder: string, layout: DiskLayout, verifiedPath?: string) => S,
  tap?: NodeTorrentOptions['tap'],
): Promise<{ saboteur: { port: number; store: S }; port: number; leecher: LtPeer; target: string }> {
  const saboteur = await startSaboteur(scratch, share, Store);
  const host = scratch.nodeHost();
  await host.add({ torrent: share.torrent, folder: share.source, ...(tap ? { tap } : {}) });
  const port = await host.listen(0);
  const target = await scratch.folder();
  const torrentPath = join(target, 'given.torrent');
  await writeFile(torrentPath, share.torrent);
  const leecher = await scratch.ltPeer({
    torrent: torrentPath,
    savePath: target,
    peers: [`127.0.0.1:${saboteur.port}`],
  });
  return { saboteur, port, leecher, target };
}
