// Hybrid torrents between two worker clients with v2 on: both sessions set the v2 bit, a leecher without the piece
// layers gets them from the seeder, and its pieces are checked against their file's merkle tree (SHA-256 of each
// 16 KiB block, the `hashBlocks` port); a v1 torrent runs by v1 alone. A bad block from one of two seeding tabs is
// caught at that block: its piece's leaf hashes come from a seeding tab, which reads and hashes the piece to answer.
import { describe, expect, it } from 'vitest';
import type { NodeHash } from '../../../../shared/engine/verify/file-tree';
import type { V2Options } from '../../../../shared/engine/contract/engine-types';
import { wasmNodeHash } from '../../lib/hash';
import { createInfo, encodeTorrent } from '../../../../shared/codec/metainfo';
import { createAnyInfo, encodeAnyTorrent, parseAnyTorrent } from '../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { pieceLayersKey, storedPieceLayers } from '../storage/records';
import { Network, file, randomBytes, until, type TestPeer } from '../testing/harness';
import { fileBytes, startedPeer, type Watched } from '../testing/watched';

const KiB = 1024;
const hashers = { sha1: subtleSha1, sha256: subtleSha256 };

/** The v2 view a session was started with (not one to come later). */
function view(watched: Watched): V2Options | undefined {
  const v2 = watched.options.v2;
  return v2 && 'info' in v2 ? v2 : undefined;
}

/** A seeder and a leecher on one network; `download` connects them and waits until the leecher seeds. */
async function pair() {
  const network = new Network();
  const seeder = await startedPeer('A');
  const leecher = await startedPeer('B');
  network.add(seeder);
  network.add(leecher);
  const download = async (infoHashHex: string) => {
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
  };
  return { seeder, leecher, download };
}

const A = randomBytes(40 * KiB + 123, 11);
const C = randomBytes(90 * KiB + 7, 12);

/** Shares two files (a hybrid, HYBRID_SHARES) and returns its info hash. */
async function shareTwo(peer: TestPeer): Promise<string> {
  const reply = await peer.request({
    op: 'share',
    files: [
      { file: file(A, 'a.bin'), path: ['a.bin'] },
      { file: file(C, 'c.bin'), path: ['sub', 'c.bin'] },
    ],
    name: 'pair',
  });
  if (!reply.ok || !reply.value.infoHashHex) throw new Error(`share failed: ${JSON.stringify(reply)}`);
  return reply.value.infoHashHex;
}

describe('worker client: hybrid torrents with v2 on', () => {
  it('downloads a hybrid share with v2: piece layers from the seeder, pieces checked against the tree', async () => {
    const { seeder, leecher, download } = await pair();
    const infoHashHex = await shareTwo(seeder);

    // The seeder's session speaks v2 and knows every layer (the share's, stored under `layers:`).
    const seeding = seeder.session(infoHashHex);
    expect(view(seeding)?.info.files.map((f) => f.path.join('/'))).toEqual(['a.bin', 'sub/c.bin']);
    expect(view(seeding)?.pieceLayers?.size).toBe(2);
    expect(seeding.session.pieceLayers?.missing).toBe(0);

    // The leecher adds the .torrent without its piece layers: it must ask the seeder for them.
    const handed = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    if (!handed.ok) throw new Error(handed.error);
    const parsed = await parseAnyTorrent(new Uint8Array(await handed.value.blob.arrayBuffer()), hashers);
    expect(parsed.pieceLayers.size).toBe(2);
    const bare = encodeAnyTorrent({ info: parsed.info, announce: [] });
    const added = await leecher.request({ op: 'add-torrent-file', bytes: bare.slice().buffer });
    expect(added).toMatchObject({ ok: true, value: { infoHashHex } });
    const leeching = leecher.session(infoHashHex);
    expect(view(leeching)).toBeDefined();
    expect(view(leeching)?.pieceLayers).toBeUndefined();
    expect(leeching.session.pieceLayers?.missing).toBe(2);

    await download(infoHashHex);

    // Both ends saw the other's v2 bit, the layers came over the wire, and pieces were checked block by block.
    expect(leeching.session.stats(0).peerStats.length).toBe(1);
    expect(leeching.session.pieceLayers?.missing).toBe(0);
    // The layers are asked as soon as the seeder says it has pieces: every piece waits for its file's tree.
    expect(leeching.treeChecks).toBe(leecher.view(infoHashHex)?.pieceCount);
    expect(leeching.sha1Checks).toBe(0);
    expect(await fileBytes(leecher, infoHashHex, 'a.bin')).toEqual(A);
    expect(await fileBytes(leecher, infoHashHex, 'sub/c.bin')).toEqual(C);

    // The layers it learned are kept beside its record: its .torrent carries them, and a reload starts with them.
    await leecher.client.flush();
    expect(storedPieceLayers(leecher.memory.data.get(pieceLayersKey(infoHashHex)))).toEqual(
      parsed.pieceLayers,
    );
    const own = await leecher.request({ op: 'get-torrent-file', infoHashHex });
    if (!own.ok) throw new Error(own.error);
    const reparsed = await parseAnyTorrent(new Uint8Array(await own.value.blob.arrayBuffer()), hashers);
    expect(reparsed.pieceLayers).toEqual(parsed.pieceLayers);
    const reloaded = await startedPeer('B2', leecher.memory);
    expect(view(reloaded.session(infoHashHex))?.pieceLayers).toEqual(parsed.pieceLayers);
  });

  it('uses the piece layers of an added hybrid .torrent, and checks every piece against the tree', async () => {
    const { seeder, leecher, download } = await pair();
    const infoHashHex = await shareTwo(seeder);
    const handed = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    if (!handed.ok) throw new Error(handed.error);
    await leecher.request({ op: 'add-torrent-file', bytes: await handed.value.blob.arrayBuffer() });
    const leeching = leecher.session(infoHashHex);
    expect(view(leeching)?.pieceLayers?.size).toBe(2);

    await download(infoHashHex);
    // Every piece belongs to one file (pads align them), and every file's tree is known from the start.
    expect(leeching.treeChecks).toBe(leecher.view(infoHashHex)?.pieceCount);
    expect(leeching.sha1Checks).toBe(0);
    expect(await fileBytes(leecher, infoHashHex, 'sub/c.bin')).toEqual(C);

    // A reload restores it with v2 on, and the layers stored with it.
    await leecher.client.flush();
    const reloaded = await startedPeer('B2', leecher.memory);
    expect(view(reloaded.session(infoHashHex))?.pieceLayers?.size).toBe(2);
  });

  it("joins by a hybrid's magnet link announcing v2, and speaks it once the metadata is known", async () => {
    const { seeder, leecher, download } = await pair();
    const infoHashHex = await shareTwo(seeder);
    const magnet = seeder.view(infoHashHex)!.magnet;
    expect(magnet).toContain('urn:btmh:1220');
    await leecher.request({ op: 'add-magnet', link: magnet });
    const leeching = leecher.session(infoHashHex);
    expect(leeching.options.v2).toEqual({});
    expect(leeching.session.pieceLayers).toBeUndefined();

    await download(infoHashHex);
    // The v2 view came after the metadata: the layers are asked of the seeder (a v2 peer, no peer closed).
    await until(() => leeching.session.pieceLayers?.missing === 0, [seeder.client, leecher.client]);
    expect(leeching.session.stats(0).peerStats.length).toBe(1);
    expect(leeching.treeChecks + leeching.sha1Checks).toBeGreaterThanOrEqual(
      leecher.view(infoHashHex)!.pieceCount,
    );
    expect(await fileBytes(leecher, infoHashHex, 'sub/c.bin')).toEqual(C);
    // The layers are kept, even when they came after the last piece.
    await until(() => leecher.memory.data.has(pieceLayersKey(infoHashHex)), [seeder.client, leecher.client]);
    expect(storedPieceLayers(leecher.memory.data.get(pieceLayersKey(infoHashHex)))?.size).toBe(2);

    // A bare info hash says nothing of v2: that session runs by v1 until the info is known.
    const other = await startedPeer('C');
    await other.request({ op: 'add-magnet', link: infoHashHex });
    expect(other.session(infoHashHex).options.v2).toBeUndefined();
  });

  it("proves a magnet's piece layers with the worker's node hash (WebAssembly in the engine worker)", async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const wasm = (await wasmNodeHash())!;
    let calls = 0;
    const nodeHash: NodeHash = (left, right) => {
      calls++;
      return wasm(left, right);
    };
    const leecher = await startedPeer('B', undefined, { nodeHash });
    network.add(seeder);
    network.add(leecher);
    const infoHashHex = await shareTwo(seeder);
    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)!.magnet });
    network.connect(seeder, leecher, infoHashHex);
    const leeching = leecher.session(infoHashHex);
    await until(() => leeching.session.pieceLayers?.missing === 0, [seeder.client, leecher.client]);
    // The v2 view that came with the metadata carries it, and the layers were proven with it.
    const later = leeching.options.v2;
    expect(later && 'view' in later ? later.view?.nodeHash : undefined).toBe(nodeHash);
    expect(calls).toBeGreaterThan(0);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    expect(await fileBytes(leecher, infoHashHex, 'sub/c.bin')).toEqual(C);
  });

  it('runs a v1 torrent by v1 alone: no v2 bit, pieces checked by SHA-1', async () => {
    const { seeder, leecher, download } = await pair();
    const info = await createInfo(
      [{ path: ['c.bin'], length: C.length, read: async (at: number, n: number) => C.slice(at, at + n) }],
      { name: 'c.bin', sha1: subtleSha1, pieceLength: 16 * KiB },
    );
    const torrent = encodeTorrent({ info, announce: [] });
    const seeded = await seeder.request({
      op: 'seed-torrent',
      torrent: torrent.slice().buffer,
      files: [{ file: file(C, 'c.bin'), path: ['c.bin'] }],
      from: 'files',
    });
    if (!seeded.ok) throw new Error(seeded.error);
    const { infoHashHex } = seeded.value;
    await leecher.request({ op: 'add-torrent-file', bytes: torrent.slice().buffer });
    await download(infoHashHex);

    const leeching = leecher.session(infoHashHex);
    expect(seeder.session(infoHashHex).options.v2).toBeUndefined();
    expect(leeching.options.v2).toBeUndefined();
    expect(leeching.treeChecks).toBe(0);
    expect(leeching.sha1Checks).toBe(leecher.view(infoHashHex)?.pieceCount);
    expect(await fileBytes(leecher, infoHashHex, 'c.bin')).toEqual(C);
  });
});

describe('worker client: a bad block in a hybrid', () => {
  it('is caught at that block: the leaf hashes come from a seeding tab, only the saboteur is banned', async () => {
    const network = new Network();
    const [saboteur, honest, leecher] = await Promise.all(['S', 'H', 'L'].map((name) => startedPeer(name)));
    for (const peer of [saboteur, honest, leecher]) network.add(peer);
    // 64 KiB pieces: four blocks each, so a piece's leaves say which block was bad.
    const data = randomBytes(5 * 64 * KiB + 100, 13);
    const source = {
      path: ['film.bin'],
      length: data.length,
      read: async (at: number, n: number) => data.slice(at, at + n),
    };
    const { info, pieceLayers } = await createAnyInfo([source], {
      name: 'film.bin',
      ...hashers,
      pieceLength: 64 * KiB,
    });
    const torrent = encodeAnyTorrent({ info: info.v2!, pieceLayers, announce: [] });
    for (const seeder of [saboteur, honest]) {
      const seeded = await seeder.request({
        op: 'seed-torrent',
        torrent: torrent.slice().buffer,
        files: [{ file: file(data, 'film.bin'), path: ['film.bin'] }],
        from: 'files',
      });
      if (!seeded.ok) throw new Error(seeded.error);
    }
    const infoHashHex = info.v1!.infoHashHex;
    // The saboteur flips a byte in the first block it sends (a piece message: id 7 after the length).
    const sabotaging = saboteur.session(infoHashHex).session;
    const handle = sabotaging.handle.bind(sabotaging);
    let flipped = false;
    sabotaging.handle = (event, now) => {
      const actions = handle(event, now);
      for (const action of actions)
        if (!flipped && action.type === 'send' && action.data[4] === 7 && action.data.length > 13 + 1000) {
          action.data[13 + 1000] ^= 0xff;
          flipped = true;
        }
      return actions;
    };
    // The seeders' `hashes` messages (id 22): their answers to the leaf request.
    let answers = 0;
    for (const seeder of [saboteur, honest]) {
      const session = seeder.session(infoHashHex).session;
      const inner = session.handle.bind(session);
      session.handle = (event, now) => {
        const actions = inner(event, now);
        for (const action of actions) if (action.type === 'send' && action.data[4] === 22) answers++;
        return actions;
      };
    }
    await leecher.request({ op: 'add-torrent-file', bytes: torrent.slice().buffer });
    const leeching = leecher.session(infoHashHex);
    const closes: string[] = [];
    const leafRequests: string[] = [];
    const leech = leeching.session.handle.bind(leeching.session);
    leeching.session.handle = (event, now) => {
      const actions = leech(event, now);
      for (const action of actions) {
        if (action.type === 'close') closes.push(`${action.peer}: ${action.reason}`);
        // A hash request (id 21) for leaves (base layer 0, after the 32-byte pieces root).
        if (action.type !== 'send') continue;
        const view = new DataView(action.data.buffer, action.data.byteOffset);
        if (action.data[4] === 21 && view.getUint32(37) === 0) leafRequests.push(action.peer);
      }
      return actions;
    };
    network.connect(saboteur, leecher, infoHashHex);
    network.connect(honest, leecher, infoHashHex);
    const clients = [saboteur.client, honest.client, leecher.client];
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', clients);

    expect(flipped).toBe(true);
    expect(closes).toEqual(['S: banned: sent corrupt data']);
    // The failed piece's leaves were asked (of one seeder, which read and hashed the piece to answer).
    expect(leafRequests.length).toBeGreaterThanOrEqual(1);
    expect(answers).toBe(leafRequests.length);
    // One piece failed its check once; its good blocks were kept, the bad one fetched again and checked anew.
    expect(leeching.treeChecks).toBe(info.v1!.pieceCount + 1);
    expect(await fileBytes(leecher, infoHashHex, 'film.bin')).toEqual(data);
  });
});
