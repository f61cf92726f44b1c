// The keeper's folder: `keeps.json` (every share kept, its expiry and a key for who asked, never an address), and for each share a folder named by
// its info hash with its .torrent, its verified-piece map and its files. Nothing else is written; a private share's
// torrent names only ciphertext, so nothing here names or holds its plaintext.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeepRecord } from './keep-policy';

const HEX_HASH = /^[0-9a-f]{40}$/;

export class KeepStore {
  constructor(readonly folder: string) {}

  /** The folder of one share (an info hash only: never a name a request chose). */
  shareFolder(infoHash: string): string {
    if (!HEX_HASH.test(infoHash)) throw new Error('not an info hash');
    return join(this.folder, infoHash);
  }

  torrentPath(infoHash: string): string {
    return join(this.shareFolder(infoHash), 'torrent');
  }

  verifiedPath(infoHash: string): string {
    return join(this.shareFolder(infoHash), 'verified');
  }

  filesFolder(infoHash: string): string {
    return join(this.shareFolder(infoHash), 'files');
  }

  /** The records written last; none when the folder is new. */
  async load(): Promise<KeepRecord[]> {
    await mkdir(this.folder, { recursive: true });
    try {
      const records = JSON.parse(await readFile(join(this.folder, 'keeps.json'), 'utf8')) as KeepRecord[];
      // A record written with its asker's address (before requester keys) is read without it: it is never written
      // again, and counts against no one's own share.
      return records
        .filter((record) => HEX_HASH.test(record.infoHash))
        .map(({ address: _address, ...record }: KeepRecord & { address?: string }) => record);
    } catch {
      return [];
    }
  }

  /** Writes the records whole, through a rename, so a crash leaves the old list or the new one. */
  async save(records: readonly KeepRecord[]): Promise<void> {
    const path = join(this.folder, 'keeps.json');
    await writeFile(`${path}.part`, JSON.stringify(records));
    await rename(`${path}.part`, path);
  }

  async saveTorrent(infoHash: string, torrent: Uint8Array): Promise<void> {
    await mkdir(this.filesFolder(infoHash), { recursive: true });
    await writeFile(this.torrentPath(infoHash), torrent);
  }

  async readTorrent(infoHash: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.torrentPath(infoHash)));
  }

  async remove(infoHash: string): Promise<void> {
    await rm(this.shareFolder(infoHash), { recursive: true, force: true });
  }
}
