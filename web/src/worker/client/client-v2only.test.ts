// v2-only torrents and btmh-only magnet links between two worker clients: a v2-only .torrent seeded from files and
// added by another client (its pieces laid out on the file tree, each checked against its file's tree, the layers
// asked of the seeder), the same torrent joined by a btmh-only magnet link (the metadata checked by SHA-256), and a
// hybrid share whose magnet link is cut to its btmh part (the seeder runs it by its v1 hash, the leecher by the
// truncated v2 hash: each accepts the other's).
import { describe, expect, it } from 'vitest';
import { formatMagnet, parseMagnet } from '../../../../shared/codec/magnet';
import { createAnyInfo, encodeAnyTorrent } from '../../../../shared/codec/metainfo-v2';
import { subtleSha256 } from '../../lib/hash';
import { Network, file, randomBytes, until } from '../testing/harness';
import { fileBytes, startedPeer } from '../testing/watched';

const KiB = 1024;

const A = randomBytes(70 * KiB + 123, 21);
const B = randomBytes(9 * KiB, 22);

/** A v2-only .torrent of a.bin and sub/b.bin in pieces of 16 KiB, without its piece layers, and with them. */
async function v2OnlyTorrent(): Promise<{ bare: ArrayBuffer; full: ArrayBuffer; truncatedHex: string }> {
  const sources = [
    { path: ['a.bin'], data: A },
    { path: ['sub', 'b.bin'], data: B },
  ].map(({ path, data }) => ({
    path,
    length: data.length,
    read: async (at: number, n: number) => data.slice(at, at + n),
  }));
  const made = await createAnyInfo(sources, {
    name: 'set',
    sha256: subtleSha256,
    pieceLength: 16 * KiB,
    version: 'v2',
  });
  const full = encodeAnyTorrent({ ...made, announce: [] });
  const bare = encodeAnyTorrent({ info: made.info, announce: [] });
  return {
    bare: bare.slice().buffer,
    full: full.slice().buffer,
    truncatedHex: made.info.v2!.truncatedInfoHashHex,
  };
}

const chosen = () => [
  { file: file(A, 'a.bin'), path: ['set', 'a.bin'] },
  { file: file(B, 'b.bin'), path: ['set', 'sub', 'b.bin'] },
];

async function pairWithV2OnlySeed() {
  const network = new Network();
  const seeder = await startedPeer('A');
  const leecher = await startedPeer('B');
  network.add(seeder);
  network.add(leecher);
  const torrent = await v2OnlyTorrent();
  const seeded = await seeder.request({
    op: 'seed-torrent',
    torrent: torrent.full,
    files: chosen(),
    from: 'folder',
  });
  if (!seeded.ok) throw new Error(seeded.error);
  return { network, seeder, leecher, torrent, infoHashHex: seeded.value.infoHashHex };
}

describe('worker client: v2-only torrents and btmh-only magnet links', () => {
  it('seeds a v2-only .torrent from files, and another client adds it and downloads it by the tree', async () => {
    const { network, seeder, leecher, torrent, infoHashHex } = await pairWithV2OnlySeed();
    // It runs under its truncated v2 hash; its magnet link carries the btmh alone.
    expect(infoHashHex).toBe(torrent.truncatedHex);
    const seeding = seeder.view(infoHashHex)!;
    expect(seeding).toMatchObject({ state: 'seeding', progress: 100 });
    expect(seeding.files.map((f) => f.path)).toEqual(['a.bin', 'sub/b.bin']);
    const link = parseMagnet(seeding.magnet, { v2: true });
    expect(link.v2Only).toBe(true);
    expect(link.infoHashHex).toBe(infoHashHex);

    const added = await leecher.request({ op: 'add-torrent-file', bytes: torrent.bare });
    expect(added).toMatchObject({ ok: true, value: { infoHashHex } });
    const leeching = leecher.session(infoHashHex);
    expect(leeching.session.pieceLayers?.missing).toBe(1);
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    expect(leeching.treeChecks).toBe(leecher.view(infoHashHex)?.pieceCount);
    expect(leeching.sha1Checks).toBe(0);
    expect(await fileBytes(leecher, infoHashHex, 'a.bin')).toEqual(A);
    expect(await fileBytes(leecher, infoHashHex, 'sub/b.bin')).toEqual(B);

    // A reload restores it under the same hash, by the same piece map, with v2 on.
    await leecher.client.flush();
    const reloaded = await startedPeer('B2', leecher.memory);
    expect(reloaded.view(infoHashHex)).toMatchObject({ state: 'seeding', progress: 100 });
    expect(reloaded.session(infoHashHex).options.v2).toBeDefined();
  });

  it('a magnet with only btmh downloads a v2-only torrent: the metadata checked by its SHA-256', async () => {
    const { network, seeder, leecher, infoHashHex } = await pairWithV2OnlySeed();
    const magnet = seeder.view(infoHashHex)!.magnet;
    expect(magnet).not.toContain('btih');
    const added = await leecher.request({ op: 'add-magnet', link: magnet });
    expect(added).toMatchObject({ ok: true, value: { infoHashHex } });
    expect(leecher.session(infoHashHex).options.infoHashV2).toBeDefined();
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    expect(leecher.session(infoHashHex).sha1Checks).toBe(0);
    expect(await fileBytes(leecher, infoHashHex, 'a.bin')).toEqual(A);
    expect(await fileBytes(leecher, infoHashHex, 'sub/b.bin')).toEqual(B);
  });

  it('a magnet with only btmh downloads a hybrid share seeded by its v1 hash', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const leecher = await startedPeer('B');
    network.add(seeder);
    network.add(leecher);
    const shared = await seeder.request({
      op: 'share',
      files: [
        { file: file(A, 'a.bin'), path: ['a.bin'] },
        { file: file(B, 'b.bin'), path: ['sub', 'b.bin'] },
      ],
      name: 'pair',
    });
    if (!shared.ok || !shared.value.infoHashHex) throw new Error('share failed');
    const v1Hex = shared.value.infoHashHex;
    await until(() => seeder.view(v1Hex)!.magnet.includes('btmh'), [seeder.client]);
    const hybrid = parseMagnet(seeder.view(v1Hex)!.magnet);
    const cut = formatMagnet({ infoHashV2: hybrid.infoHashV2, v2Only: true, name: hybrid.name });
    // The seeder's own tab takes the cut link as the torrent it has.
    expect(await seeder.request({ op: 'add-magnet', link: cut })).toMatchObject({
      ok: true,
      value: { infoHashHex: v1Hex },
    });
    expect(seeder.client.views()).toHaveLength(1);
    const added = await leecher.request({ op: 'add-magnet', link: cut });
    if (!added.ok) throw new Error(added.error);
    const v2Hex = added.value.infoHashHex;
    expect(v2Hex).toBe(hybrid.infoHashV2Hex!.slice(0, 40));

    network.connect(seeder, leecher, v1Hex, v2Hex);
    await until(() => leecher.view(v2Hex)?.state === 'seeding', [seeder.client, leecher.client]);
    expect(await fileBytes(leecher, v2Hex, 'a.bin')).toEqual(A);
    expect(await fileBytes(leecher, v2Hex, 'sub/b.bin')).toEqual(B);
    // Run by its v2 view: every piece checked against the tree; its magnet link names both hashes now.
    const leeching = leecher.session(v2Hex);
    expect(leeching.sha1Checks).toBe(0);
    expect(leeching.treeChecks).toBe(leecher.view(v2Hex)?.pieceCount);
    const own = parseMagnet(leecher.view(v2Hex)!.magnet);
    expect(own.infoHashHex).toBe(v1Hex);
    expect(own.infoHashV2Hex).toBe(hybrid.infoHashV2Hex);
    // It also joins the v1 hash: its tracker clients name it as the alias once the metadata is known.
    const active = leecher.messages.filter((m) => m.type === 'torrent-active' && m.infoHashHex === v2Hex);
    expect(active.map((m) => m.type === 'torrent-active' && m.infoHashV2)).toEqual([undefined, v1Hex]);
  });
});
