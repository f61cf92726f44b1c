// `Torrent to seed`: a .torrent made elsewhere (here a hybrid with pad files) seeded from the user's own files,
// downloaded by another peer by its magnet; files that do not match are named and nothing is added.
import { describe, expect, it } from 'vitest';
import { createAnyInfo, encodeAnyTorrent, parseAnyTorrent } from '../../../../shared/codec/metainfo-v2';
import type { SharedFile } from '../../lib/messages/actions';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { MemoryFileDirectory } from '../storage/sync-file';
import { FakeHandle, Network, PlainStore, TestPeer, file, randomBytes, until } from '../testing/harness';

const KiB = 1024;

const CONTENTS: Record<string, Uint8Array> = {
  'clip.mp4': randomBytes(70 * KiB + 5, 1),
  'docs/readme.txt': randomBytes(3000, 2),
  'docs/notes.txt': randomBytes(32 * KiB, 3),
};

/** A hybrid .torrent of CONTENTS in pieces of 16 KiB, as a desktop client would make it. */
async function hybridTorrent(): Promise<ArrayBuffer> {
  const { info, pieceLayers } = await createAnyInfo(
    Object.entries(CONTENTS).map(([path, bytes]) => ({
      path: path.split('/'),
      length: bytes.length,
      read: async (at: number, n: number) => bytes.slice(at, at + n),
    })),
    { name: 'trip', sha1: subtleSha1, sha256: subtleSha256, pieceLength: 16 * KiB },
  );
  return encodeAnyTorrent({ info, pieceLayers, announce: [['wss://tracker.example/announce']] }).slice()
    .buffer as ArrayBuffer;
}

/** The folder `trip` as a folder input gives it (every path starts with the folder's name). */
function folder(contents = CONTENTS): SharedFile[] {
  return Object.entries(contents).map(([path, bytes]) => ({
    file: file(bytes, path.split('/').at(-1)!),
    path: ['trip', ...path.split('/')],
  }));
}

async function startedPeer(name: string): Promise<TestPeer> {
  const peer = new TestPeer(name, undefined, { pieceDirectory: new MemoryFileDirectory() });
  await peer.client.start();
  return peer;
}

describe('worker client: seeding a .torrent from your files', () => {
  it('checks a hybrid against the folder, seeds it by its v1 hash, pads hidden, and another peer downloads it', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const leecher = await startedPeer('B');
    network.add(seeder);
    network.add(leecher);
    const reply = await seeder.request({
      op: 'seed-torrent',
      torrent: await hybridTorrent(),
      files: folder(),
      from: 'folder',
    });
    if (!reply.ok) throw new Error(reply.error);
    const { infoHashHex } = reply.value;
    const view = seeder.view(infoHashHex)!;
    expect(view).toMatchObject({ name: 'trip', state: 'seeding', progress: 100 });
    expect(view.trackers).toContain('wss://tracker.example/announce');
    // The magnet carries both hashes: the v1 one the swarm runs under, and the v2 one (SHA-256).
    await until(() => seeder.view(infoHashHex)!.magnet.includes('urn:btmh:1220'), [seeder.client]);
    expect(seeder.view(infoHashHex)!.magnet).toMatch(
      new RegExp(`^magnet:\\?xt=urn:btih:${infoHashHex}&xt=urn:btmh:1220[0-9a-f]{64}&`),
    );
    // Canonical order; the pad files (after clip.mp4 and readme.txt; notes.txt ends on a piece boundary) are never shown.
    expect(view.files.map((f) => [f.index, f.path])).toEqual([
      [0, 'clip.mp4'],
      [2, 'docs/notes.txt'],
      [3, 'docs/readme.txt'],
    ]);

    // Its .torrent, as the app hands it out, is the one seeded, piece layers included.
    const handed = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    if (!handed.ok) throw new Error(handed.error);
    const again = await parseAnyTorrent(new Uint8Array(await handed.value.blob.arrayBuffer()), {
      sha1: subtleSha1,
      sha256: subtleSha256,
    });
    const original = await parseAnyTorrent(new Uint8Array(await hybridTorrent()), {
      sha1: subtleSha1,
      sha256: subtleSha256,
    });
    expect(again.info.v1!.infoHashHex).toBe(infoHashHex);
    expect(again.pieceLayers.size).toBe(2); // clip.mp4 and notes.txt are longer than a piece
    expect(again.pieceLayers).toEqual(original.pieceLayers);

    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)!.magnet });
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    const got = leecher.view(infoHashHex)!;
    expect(got.files.map((f) => f.path)).toEqual(['clip.mp4', 'docs/notes.txt', 'docs/readme.txt']);
    for (const entry of got.files) {
      const saved = await leecher.request({ op: 'get-file', infoHashHex, fileIndex: entry.index });
      if (!saved.ok) throw new Error(saved.error);
      expect(new Uint8Array(await saved.value.arrayBuffer())).toEqual(CONTENTS[entry.path]);
    }
  });

  it('matches files chosen without their folder by name', async () => {
    const peer = await startedPeer('A');
    const loose = folder().map((entry) => ({ ...entry, path: [entry.path.at(-1)!] }));
    const reply = await peer.request({
      op: 'seed-torrent',
      torrent: await hybridTorrent(),
      files: loose,
      from: 'files',
    });
    expect(reply.ok && peer.view(reply.value.infoHashHex)?.state).toBe('seeding');
  });

  it('names the file that does not match, and adds nothing', async () => {
    const peer = await startedPeer('A');
    const changed = CONTENTS['clip.mp4'].slice();
    changed[40 * KiB] ^= 1; // piece 2
    const reply = await peer.request({
      op: 'seed-torrent',
      torrent: await hybridTorrent(),
      files: folder({ ...CONTENTS, 'clip.mp4': changed }),
      from: 'folder',
    });
    expect(reply).toMatchObject({
      ok: false,
      error: 'clip.mp4 does not match the torrent (piece 2 differs)',
    });
    const missing = await peer.request({
      op: 'seed-torrent',
      torrent: await hybridTorrent(),
      files: folder().slice(0, 2),
      from: 'folder',
    });
    expect(missing).toMatchObject({ ok: false, error: 'docs/notes.txt is missing from the folder' });
    expect(peer.client.views()).toEqual([]);
  });

  it('refuses what is not a .torrent in plain words', async () => {
    const peer = await startedPeer('A');
    const reply = await peer.request({
      op: 'seed-torrent',
      torrent: new TextEncoder().encode('hello').buffer as ArrayBuffer,
      files: folder(),
      from: 'folder',
    });
    expect(reply).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Not a valid \.torrent file: this file/),
    });
    expect(peer.client.views()).toEqual([]);
  });

  it('reads the files in place when every one comes with a handle: nothing stored, restored after a reload', async () => {
    const store = new PlainStore();
    const peer = new TestPeer('A', store);
    await peer.client.start();
    const files = folder().map((entry) => ({
      ...entry,
      handle: new FakeHandle(entry.file) as unknown as FileSystemFileHandle,
    }));
    const reply = await peer.request({
      op: 'seed-torrent',
      torrent: await hybridTorrent(),
      files,
      from: 'folder',
    });
    if (!reply.ok) throw new Error(reply.error);
    const { infoHashHex } = reply.value;
    await peer.client.flush();
    expect([...store.data.keys()].filter((key) => key.startsWith('piece:'))).toEqual([]);
    expect(peer.view(infoHashHex)).toMatchObject({ state: 'seeding', inPlace: true });

    const reloaded = new TestPeer('A2', store);
    await reloaded.client.start();
    const view = reloaded.view(infoHashHex)!;
    expect(view).toMatchObject({ state: 'seeding', progress: 100, inPlace: true });
    const notes = view.files.find((f) => f.path === 'docs/readme.txt')!;
    const saved = await reloaded.request({ op: 'get-file', infoHashHex, fileIndex: notes.index });
    if (!saved.ok) throw new Error(saved.error);
    expect(new Uint8Array(await saved.value.arrayBuffer())).toEqual(CONTENTS['docs/readme.txt']);
  });
});
