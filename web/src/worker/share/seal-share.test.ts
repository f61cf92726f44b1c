// Private shares through the worker: sealed at share time, opened only with the key from the link.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseInfo } from '../../../../shared/codec/metainfo';
import { PRIVATE_SHARE_NAME, WRONG_KEY_MESSAGE } from '../../../../shared/private-share/private-share';
import { sha1 } from '../../../../shared/testing/sha1';
import { MemoryStore, torrentKey } from '../../lib/storage/storage';
import { Network, SlowStore, TestPeer, file, randomBytes, until } from '../testing/harness';

const KiB = 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function startedPeer(name: string, store = new MemoryStore()): Promise<TestPeer> {
  const peer = new TestPeer(name, store);
  await peer.client.start();
  return peer;
}

function holiday() {
  const a = randomBytes(70 * KiB + 11, 3);
  const b = randomBytes(33 * KiB, 4);
  return {
    bytes: [a, new Uint8Array(0), b],
    files: [
      { file: file(a, 'beach.mp4'), path: ['holiday', 'beach.mp4'] },
      { file: file(new Uint8Array(0), 'empty.txt'), path: ['holiday', 'empty.txt'] },
      { file: file(b, 'notes secret.txt'), path: ['holiday', 'notes secret.txt'] },
    ],
  };
}

async function sharePrivately(peer: TestPeer) {
  const { bytes, files } = holiday();
  const reply = await peer.request({ op: 'share', files, name: 'holiday', encrypt: true }, [
    'wss://t.example/',
  ]);
  if (!reply.ok) throw new Error(reply.error);
  const infoHashHex = reply.value.infoHashHex;
  const key = peer.view(infoHashHex)?.shareKey;
  if (!key) throw new Error('no key in the view');
  return { bytes, infoHashHex, key, magnet: peer.view(infoHashHex)?.magnet ?? '' };
}

/** Every byte the store holds for pieces, joined. */
function storedPieceBytes(store: MemoryStore): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of store.data)
    if (key.startsWith('piece:') && value instanceof ArrayBuffer) parts.push(Buffer.from(value));
  return Buffer.concat(parts);
}

describe('private shares in the worker', () => {
  it('seals the files: the info dictionary names nothing real, the pieces are ciphertext, the key stays here', async () => {
    const seeder = await startedPeer('A');
    const { bytes, infoHashHex, key, magnet } = await sharePrivately(seeder);
    const view = seeder.view(infoHashHex);
    expect(view?.name).toBe('holiday');
    expect(view?.files.map((f) => [f.path, f.length, f.complete])).toEqual([
      ['holiday/beach.mp4', bytes[0].length, true],
      ['holiday/empty.txt', 0, true],
      ['holiday/notes secret.txt', bytes[2].length, true],
    ]);
    expect(magnet).not.toContain('holiday');
    expect(magnet).not.toContain(key);

    await seeder.client.flush();
    const record = seeder.memory.data.get(torrentKey(infoHashHex)) as {
      infoBytes: ArrayBuffer;
      private: { key: string };
    };
    expect(record.private.key).toBe(key);
    const info = await parseInfo(new Uint8Array(record.infoBytes), sha1);
    expect(info.name).toBe(PRIVATE_SHARE_NAME);
    expect(info.files.map((f) => f.path)).toEqual([[PRIVATE_SHARE_NAME]]);
    const infoText = Buffer.from(record.infoBytes).toString('latin1');
    expect(infoText).not.toMatch(/holiday|beach|secret/);
    const pieces = storedPieceBytes(seeder.memory);
    expect(pieces.length).toBe(info.length);
    expect(pieces.indexOf(Buffer.from(bytes[0].subarray(1000, 1032)))).toBe(-1);
    expect(pieces.toString('latin1')).not.toMatch(/holiday|beach|secret/);

    // Save decrypts.
    for (const index of [0, 1, 2]) {
      const reply = await seeder.request({ op: 'get-file', infoHashHex, fileIndex: index });
      if (!reply.ok) throw new Error(reply.error);
      expect(sha256(new Uint8Array(await reply.value.arrayBuffer()))).toBe(sha256(bytes[index]));
    }
  });

  it('a tab with the key shows the real files once the manifest arrives and saves them; one without sees ciphertext', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const friend = await startedPeer('B');
    const stranger = await startedPeer('C');
    for (const peer of [seeder, friend, stranger]) network.add(peer);
    const { bytes, infoHashHex, key, magnet } = await sharePrivately(seeder);

    expect(await friend.request({ op: 'add-magnet', link: magnet, key })).toMatchObject({ ok: true });
    expect(await stranger.request({ op: 'add-magnet', link: magnet })).toMatchObject({ ok: true });
    network.connect(seeder, friend, infoHashHex);
    network.connect(seeder, stranger, infoHashHex);
    const clients = [seeder.client, friend.client, stranger.client];
    await until(
      () => friend.view(infoHashHex)?.state === 'seeding' && friend.view(infoHashHex)?.files.length === 3,
      clients,
    );
    await until(() => stranger.view(infoHashHex)?.state === 'seeding', clients);

    expect(friend.view(infoHashHex)?.name).toBe('holiday');
    expect(friend.view(infoHashHex)?.shareKey).toBe(key);
    for (const index of [0, 2]) {
      const reply = await friend.request({ op: 'get-file', infoHashHex, fileIndex: index });
      if (!reply.ok) throw new Error(reply.error);
      expect(sha256(new Uint8Array(await reply.value.arrayBuffer()))).toBe(sha256(bytes[index]));
    }

    const seen = stranger.view(infoHashHex);
    expect(seen?.name).toBe(PRIVATE_SHARE_NAME);
    expect(seen?.files.map((f) => f.path)).toEqual([PRIVATE_SHARE_NAME]);
    const reply = await stranger.request({ op: 'get-file', infoHashHex, fileIndex: 0 });
    if (!reply.ok) throw new Error(reply.error);
    const cipher = Buffer.from(await reply.value.arrayBuffer());
    expect(cipher.indexOf(Buffer.from(bytes[0].subarray(5000, 5032)))).toBe(-1);
    expect(cipher.toString('latin1')).not.toMatch(/holiday|beach|secret/);
  });

  it('offers the real files only once the record with the manifest is stored (the service worker reads it)', async () => {
    // A store slow to commit: the window in which a file shown early answers Play with a 404.
    const network = new Network();
    const seeder = await startedPeer('A');
    const friend = await startedPeer('B', new SlowStore(60));
    for (const peer of [seeder, friend]) network.add(peer);
    const { infoHashHex, key, magnet } = await sharePrivately(seeder);
    expect(await friend.request({ op: 'add-magnet', link: magnet, key })).toMatchObject({ ok: true });
    network.connect(seeder, friend, infoHashHex);
    const offeredEarly: string[] = [];
    await until(() => {
      const files = friend.view(infoHashHex)?.files ?? [];
      if (files.length > 0) {
        const record = friend.memory.data.get(torrentKey(infoHashHex)) as
          { infoBytes?: ArrayBuffer; private?: { manifest?: unknown } } | undefined;
        if (!record?.infoBytes || !record.private?.manifest) offeredEarly.push(files[0].path);
      }
      return files.length === 3;
    }, [seeder.client, friend.client]);
    expect(offeredEarly).toEqual([]);
  });

  it('refuses a wrong key in plain words and offers no file', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const friend = await startedPeer('B');
    network.add(seeder);
    network.add(friend);
    const { infoHashHex, key, magnet } = await sharePrivately(seeder);
    const wrong = (key[0] === 'A' ? 'B' : 'A') + key.slice(1);
    expect(await friend.request({ op: 'add-magnet', link: magnet, key: wrong })).toMatchObject({ ok: true });
    network.connect(seeder, friend, infoHashHex);
    await until(() => friend.view(infoHashHex)?.state === 'error', [seeder.client, friend.client]);
    expect(friend.view(infoHashHex)?.error).toBe(WRONG_KEY_MESSAGE);
    expect(friend.view(infoHashHex)?.files).toEqual([]);
    expect(await friend.request({ op: 'get-file', infoHashHex, fileIndex: 0 })).toMatchObject({ ok: false });

    // The right link opened afterwards: the same torrent opens with its key, from the pieces it already has.
    expect(await friend.request({ op: 'add-magnet', link: magnet, key })).toMatchObject({ ok: true });
    network.connect(seeder, friend, infoHashHex);
    await until(
      () => friend.view(infoHashHex)?.files.length === 3 && friend.view(infoHashHex)?.state === 'seeding',
      [seeder.client, friend.client],
    );
    expect(friend.view(infoHashHex)).toMatchObject({ name: 'holiday', shareKey: key });
  });

  it('keeps the key and the real files across a reload, and Remove deletes the key with the data', async () => {
    const store = new MemoryStore();
    const seeder = await startedPeer('A', store);
    const { infoHashHex, key } = await sharePrivately(seeder);
    await seeder.client.flush();
    const again = await startedPeer('A2', store);
    expect(again.view(infoHashHex)).toMatchObject({ name: 'holiday', shareKey: key, state: 'seeding' });
    expect(again.view(infoHashHex)?.files).toHaveLength(3);
    await again.request({ op: 'remove', infoHashHex });
    await again.client.flush();
    expect([...store.data.values()].some((value) => JSON.stringify(value ?? null).includes(key))).toBe(false);
    expect(store.data.size).toBe(0);
  });
});
