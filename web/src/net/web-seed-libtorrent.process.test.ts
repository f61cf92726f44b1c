// libtorrent (Debian's python3-libtorrent, shared/testing/libtorrent.ts) as the reference for web seeds: it
// downloads SwarmDrop's own hybrid torrent, its `url-list` naming a range server on loopback, byte-identical and
// without asking for a pad file; and SwarmDrop downloads a libtorrent-made torrent with a `url-list` from the same
// kind of server.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnyInfo, encodeAnyTorrent, parseAnyTorrent } from '../../../shared/codec/metainfo-v2';
import { mulberry32, randomBytes } from '../../../shared/engine/testing/random';
import { libtorrentMissing, ltCreate, ltWebSeed } from '../../../shared/testing/libtorrent';
import { startRangeServer, type RangeServer } from '../../../shared/testing/range-server';
import { sha1 } from '../../../shared/testing/sha1';
import { sha256 } from '../../../shared/testing/sha256';
import { until } from '../../../shared/testing/until';
import { bytesOf, webSeedDownload } from './testing/web-seed-download';

const NAME = 'lt share é';
const FILES: Array<[string, number]> = [
  ['a #1.bin', 200_000],
  ['b 100%.bin', 1_100_000],
  ['c?d.bin', 70_000],
];

let server: RangeServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-webseed-lt-'));
  dirs.push(dir);
  return dir;
}

function files(): Map<string, Uint8Array> {
  const random = mulberry32(11);
  return new Map(FILES.map(([name, length]) => [name, randomBytes(random, length)]));
}

const served = (data: Map<string, Uint8Array>) =>
  new Map([...data].map(([name, bytes]) => [`/files/${NAME}/${name}`, bytes]));

describe.skipIf(libtorrentMissing !== undefined)('web seeds against libtorrent', () => {
  it("libtorrent downloads SwarmDrop's hybrid torrent from its url-list, byte-identical, no pad file asked", async () => {
    const data = files();
    server = await startRangeServer(served(data));
    const { info, pieceLayers } = await createAnyInfo(
      [...data].map(([name, bytes]) => ({
        path: [name],
        length: bytes.length,
        read: async (offset: number, length: number) => bytes.slice(offset, offset + length),
      })),
      { name: NAME, sha1, sha256, pieceLength: 64 * 1024 },
    );
    const dir = tempDir();
    const torrent = join(dir, 'ours.torrent');
    writeFileSync(
      torrent,
      encodeAnyTorrent({ info, pieceLayers, announce: [], urlList: [`${server.origin}/files`] }),
    );
    const result = await ltWebSeed(torrent, join(dir, 'out'));
    expect(result.progress_ppm).toBe(1_000_000);
    for (const [name, bytes] of data)
      expect(Buffer.compare(readFileSync(join(dir, 'out', NAME, name)), bytes)).toBe(0);
    expect(server.requests.map((request) => request.method)).not.toContain('OPTIONS');
    for (const request of server.requests) expect(request.path).not.toMatch(/\.pad/);
  });

  it('SwarmDrop downloads a libtorrent-made torrent with a url-list, byte-identical', async () => {
    const data = files();
    const dir = tempDir();
    mkdirSync(join(dir, NAME));
    for (const [name, bytes] of data) writeFileSync(join(dir, NAME, name), bytes);
    server = await startRangeServer(served(data));
    const torrent = join(dir, 'theirs.torrent');
    await ltCreate(join(dir, NAME), 64 * 1024, 'hybrid', torrent, `${server.origin}/files/`);
    const metainfo = await parseAnyTorrent(new Uint8Array(readFileSync(torrent)), { sha1, sha256 });
    expect(metainfo.urlList).toEqual([`${server.origin}/files/`]);
    const info = metainfo.info.v1!;
    const run = webSeedDownload(info, metainfo.urlList);
    await until(() => run.state.complete, { what: 'the download to complete', beforeWait: () => run.tick() });
    for (const [name, bytes] of data) expect(Buffer.compare(bytesOf(info, run.stored, name), bytes)).toBe(0);
  });
});
