import { NOTHING_TO_SHARE } from '../share/share-files';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatMagnet } from '../../../../shared/codec/magnet';
import type { Call, WorkerAction } from '../../lib/messages/actions';
import { MemoryStore, StorageUnavailableError, type KeyValueStore } from '../../lib/storage/storage';
import { ACTION_SAMPLES } from '../../lib/messages/testing/action-samples';
import { Network, TestPeer, file, randomBytes, until } from '../testing/harness';

const KiB = 1024;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function blobBytes(blob: Blob | undefined): Promise<Uint8Array> {
  if (!blob) throw new Error('no blob');
  return new Uint8Array(await blob.arrayBuffer());
}

function pieceKeys(store: MemoryStore): string[] {
  return [...store.data.keys()].filter((key) => key.startsWith('piece:'));
}

/** A folder of three files: data, an empty file, nested data; pieces of 16 KiB span the file boundaries. */
function folder() {
  const a = randomBytes(40 * KiB + 123, 1);
  const c = randomBytes(90 * KiB + 7, 2);
  return {
    bytes: [a, new Uint8Array(0), c],
    files: [
      { file: file(a, 'a.bin'), path: ['a.bin'] },
      { file: file(new Uint8Array(0), 'empty.txt'), path: ['empty.txt'] },
      { file: file(c, 'c.bin'), path: ['sub', 'dir', 'c.bin'] },
    ],
  };
}

async function startedPeer(name: string, store = new MemoryStore()): Promise<TestPeer> {
  const peer = new TestPeer(name, store);
  await peer.client.start();
  return peer;
}

/** The folder's files by path: their indices in the info (a hybrid share lists pad files between them). */
const FOLDER_PATHS = ['a.bin', 'empty.txt', 'sub/dir/c.bin'];
function fileIndex(peer: TestPeer, infoHashHex: string, k: number): number {
  const found = peer.view(infoHashHex)?.files.find((f) => f.path === FOLDER_PATHS[k]);
  if (!found) throw new Error(`no ${FOLDER_PATHS[k]} in the torrent`);
  return found.index;
}

async function shareFolder(peer: TestPeer) {
  const { bytes, files } = folder();
  const reply = await peer.request(
    {
      op: 'share',
      files,
      name: 'folder',
    },
    ['wss://t.example/', 'wss://t.example/'],
  );
  if (!reply.ok || !reply.value.infoHashHex) throw new Error(`share failed: ${JSON.stringify(reply)}`);
  return { bytes, files, infoHashHex: reply.value.infoHashHex };
}

describe('worker client', () => {
  it('has a handler for every action the worker runs, and refuses one it does not know', async () => {
    const peer = await startedPeer('H');
    const { 'set-upload-limit': _limit, 'set-relay-only': _relay, ...workerCalls } = ACTION_SAMPLES;
    for (const call of Object.values(workerCalls) as Call<WorkerAction>[]) {
      const reply = await peer.request(call);
      expect(reply.ok ? '' : reply.error, call.op).not.toBe('Not a request the engine knows');
    }
    const unknown = await peer.request({ op: 'eval' } as unknown as Call<WorkerAction>);
    expect(unknown).toMatchObject({ ok: false, error: 'Not a request the engine knows' });
  });

  it('shares a folder: seeds it from storage, and saves every file including the empty one', async () => {
    const seeder = await startedPeer('A');
    expect(seeder.ofType('ready')[0]).toMatchObject({ restored: 0 });
    const { bytes, infoHashHex } = await shareFolder(seeder);

    const view = seeder.view(infoHashHex);
    expect(view).toMatchObject({
      name: 'folder',
      state: 'seeding',
      progress: 100,
      trackers: ['wss://t.example/'],
    });
    expect(view?.files.map((f) => [f.path, f.length, f.complete])).toEqual([
      ['a.bin', bytes[0].length, true],
      ['empty.txt', 0, true],
      ['sub/dir/c.bin', bytes[2].length, true],
    ]);
    expect(view?.magnet).toContain(`urn:btih:${infoHashHex}`);
    // A hybrid share (HYBRID_SHARES): its magnet carries the v2 hash too, and its tracker clients are told it from
    // the first announce (the alias that makes both hashes one swarm).
    const btmh = /&xt=urn:btmh:1220([0-9a-f]{64})/.exec(view!.magnet);
    expect(btmh).not.toBeNull();
    expect(seeder.ofType('torrent-active')).toEqual([
      expect.objectContaining({ infoHashHex, trackers: ['wss://t.example/'], infoHashV2: btmh![1] }),
    ]);
    expect(seeder.ofType('announce').some((m) => m.event === 'started')).toBe(true);

    // Every piece is in the store, one entry per piece.
    await seeder.client.flush();
    expect(pieceKeys(seeder.memory)).toHaveLength(view?.pieceCount ?? -1);

    for (let index = 0; index < 3; index++) {
      const reply = await seeder.request({
        op: 'get-file',
        infoHashHex,
        fileIndex: fileIndex(seeder, infoHashHex, index),
      });
      expect(reply.ok).toBe(true);
      expect(sha256(await blobBytes(reply.ok ? reply.value : undefined))).toBe(sha256(bytes[index]));
    }
    const torrent = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    expect(torrent).toMatchObject({ ok: true, value: { name: 'folder.torrent' } });
    // A hybrid share's .torrent carries the piece layers of its files longer than a piece.
    const text = new TextDecoder('latin1').decode(
      await (torrent.ok ? torrent.value.blob : new Blob()).arrayBuffer(),
    );
    expect(text).toContain('12:piece layersd');
  });

  it('downloads a multi-file torrent from another tab by magnet link, then seeds it', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const leecher = await startedPeer('B');
    network.add(seeder);
    network.add(leecher);
    const { bytes, infoHashHex } = await shareFolder(seeder);

    const magnet = seeder.view(infoHashHex)?.magnet ?? '';
    const added = await leecher.request(
      {
        op: 'add-magnet',
        link: magnet,
      },
      ['wss://other.example/'],
    );
    expect(added).toMatchObject({ ok: true, value: { infoHashHex } });
    expect(leecher.view(infoHashHex)?.state).toBe('fetching-metadata');
    expect(leecher.view(infoHashHex)?.trackers).toEqual(['wss://t.example/', 'wss://other.example/']);

    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    // Milestones (metadata, first verified piece, completion) are posted at once: this harness never calls the
    // periodic publish(), so without them the last list posted would still say `fetching-metadata`.
    const posted = leecher
      .ofType('torrents')
      .map((m) => m.torrents.find((t) => t.infoHashHex === infoHashHex));
    expect(posted.some((t) => t !== undefined && t.pieceCount > 0 && t.have >= 1)).toBe(true);
    expect(posted.at(-1)?.state).toBe('seeding');

    const view = leecher.view(infoHashHex);
    expect(view?.have).toBe(view?.pieceCount);
    // Every byte of the v1 view, pad files included (v1 peers send their zeros).
    expect(view?.downloaded).toBe(view?.length);
    expect(view?.length).toBeGreaterThan(bytes.reduce((n, b) => n + b.length, 0));
    expect(leecher.ofType('announce').some((m) => m.event === 'completed')).toBe(true);
    for (let index = 0; index < 3; index++) {
      const reply = await leecher.request({
        op: 'get-file',
        infoHashHex,
        fileIndex: fileIndex(leecher, infoHashHex, index),
      });
      expect(sha256(await blobBytes(reply.ok ? reply.value : undefined))).toBe(sha256(bytes[index]));
    }
    expect(seeder.view(infoHashHex)?.uploaded).toBeGreaterThan(0);
  });

  it("shows the page's reach diagnosis and each connection's path, and a rate of 0 once seeding", async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const leecher = await startedPeer('B');
    network.add(seeder);
    network.add(leecher);
    const data = randomBytes(300 * KiB + 1, 4);
    const shared = await seeder.request(
      { op: 'share', files: [{ file: file(data, 'rate.bin'), path: ['rate.bin'] }], name: 'rate.bin' },
      [],
    );
    const infoHashHex = shared.ok ? shared.value.infoHashHex : '';
    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)?.magnet ?? '' }, []);
    const problem = 'The relay server turn:127.0.0.1:9 did not answer';
    await leecher.client.handle({ type: 'reachability', infoHashHex, problem });
    expect(leecher.view(infoHashHex)?.unreachable).toBe(problem);
    await leecher.client.handle({ type: 'reachability', infoHashHex });
    expect(leecher.view(infoHashHex)?.unreachable).toBeUndefined();

    network.connect(seeder, leecher, infoHashHex);
    await leecher.client.handle({ type: 'peer-path', infoHashHex, peer: 'A', path: 'direct' });
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    const view = leecher.view(infoHashHex);
    expect(view?.peerStats.map((row) => [row.peer, row.path])).toEqual([['A', 'direct']]);
    // Bytes came in within the engine's rate window, yet a seeding torrent reads 0.
    expect(view?.downloadRate).toBe(0);
    expect(view?.peerStats[0].downloadRate).toBe(0);
    expect(view?.peerStats[0].downloaded).toBeGreaterThanOrEqual(data.length);
  });

  it('keeps the received and sent totals of a finished download across a reload', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const leecher = await startedPeer('B');
    network.add(seeder);
    network.add(leecher);
    const data = randomBytes(600 * KiB + 5, 9);
    const shared = await seeder.request(
      {
        op: 'share',
        files: [{ file: file(data, 'done.bin'), path: ['done.bin'] }],
        name: 'done.bin',
      },
      [],
    );
    const infoHashHex = shared.ok ? shared.value.infoHashHex : '';
    await leecher.request(
      {
        op: 'add-magnet',
        link: seeder.view(infoHashHex)?.magnet ?? '',
      },
      [],
    );
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    const sent = seeder.view(infoHashHex)?.uploaded ?? 0;
    expect(sent).toBeGreaterThanOrEqual(data.length);

    // Both tabs reload (the seeder through the page's shutdown, the leecher without one, like a crash).
    await seeder.client.handle({ type: 'shutdown' });
    await leecher.client.flush();
    const seederAgain = await startedPeer('A2', seeder.memory);
    const leecherAgain = await startedPeer('B2', leecher.memory);
    expect(leecherAgain.view(infoHashHex)).toMatchObject({
      state: 'seeding',
      downloaded: data.length,
      sessionDownloaded: 0,
    });
    expect(seederAgain.view(infoHashHex)).toMatchObject({ uploaded: sent, sessionUploaded: 0 });
  });

  it('resumes after a crash without fetching the verified pieces again', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    network.add(seeder);
    const data = randomBytes(1024 * KiB, 5);
    const shared = await seeder.request(
      {
        op: 'share',
        files: [{ file: file(data, 'big.bin'), path: ['big.bin'] }],
        name: 'big.bin',
      },
      [],
    );
    const infoHashHex = shared.ok ? shared.value.infoHashHex : '';
    const pieceCount = seeder.view(infoHashHex)?.pieceCount ?? 0;
    expect(pieceCount).toBeGreaterThan(32);

    // The first tab runs over the store until it "crashes" right after its first pieces land: from then on its
    // storage calls never return and nothing more is delivered to or from it.
    const store = new MemoryStore();
    let crashed = false;
    const never = new Promise<never>(() => undefined);
    const crashable: KeyValueStore = {
      getMany: (keys) => (crashed ? never : store.getMany(keys)),
      keys: (prefix) => (crashed ? never : store.keys(prefix)),
      delMany: (keys) => (crashed ? never : store.delMany(keys)),
      setMany: async (entries) => {
        if (crashed) return never;
        await store.setMany(entries);
        if (entries.some(([key]) => key.startsWith('piece:'))) {
          crashed = true;
          network.dead.add(first);
        }
      },
    };
    const first = new TestPeer('B', crashable);
    await first.client.start();
    network.add(first);
    await first.request(
      {
        op: 'add-magnet',
        link: seeder.view(infoHashHex)?.magnet ?? '',
      },
      [],
    );
    network.connect(seeder, first, infoHashHex);
    await until(() => crashed, [seeder.client, first.client]);
    const kept = new Set(pieceKeys(store));
    expect(kept.size).toBeGreaterThan(0);
    expect(kept.size).toBeLessThan(pieceCount);

    const written: string[] = [];
    const batches: string[][] = [];
    const setMany = store.setMany.bind(store);
    store.setMany = (entries) => {
      written.push(...entries.map(([key]) => key));
      batches.push(entries.map(([key]) => key));
      return setMany(entries);
    };
    // The reloaded tab over the same storage.
    const second = new TestPeer('B2', store);
    network.add(second);
    await second.client.start();
    expect(second.ofType('ready')[0]).toMatchObject({ restored: 1 });
    expect(second.ofType('torrent-active')).toHaveLength(1);
    expect(second.view(infoHashHex)).toMatchObject({ state: 'downloading', have: kept.size });

    network.connect(seeder, second, infoHashHex);
    await until(() => second.view(infoHashHex)?.state === 'seeding', [seeder.client, second.client]);
    expect(written.filter((key) => kept.has(key))).toEqual([]);
    expect(written.filter((key) => key.startsWith('piece:'))).toHaveLength(pieceCount - kept.size);
    expect(second.view(infoHashHex)?.sessionDownloaded).toBe(data.length - kept.size * 16 * KiB);
    // The total over both sessions: the pieces kept were counted by the first one (their record went with them).
    expect(second.view(infoHashHex)?.downloaded).toBe(data.length);
    // Every transaction with pieces carries the few bytes of totals; the record (with the info dictionary) is not
    // rewritten per piece.
    const pieceBatches = batches.filter((keys) => keys.some((key) => key.startsWith('piece:')));
    expect(pieceBatches.length).toBeGreaterThan(1);
    for (const keys of pieceBatches) expect(keys).toContain(`totals:${infoHashHex}`);
    const recordWrites = written.filter((key) => key === `torrent:${infoHashHex}`).length;
    expect(recordWrites).toBeLessThan(pieceBatches.length);
    const reply = await second.request({ op: 'get-file', infoHashHex, fileIndex: 0 });
    expect(sha256(await blobBytes(reply.ok ? reply.value : undefined))).toBe(sha256(data));
  });

  it('quarantines a record whose restore stopped the worker three times in a row', async () => {
    const store = new MemoryStore();
    const seeder = await startedPeer('A', store);
    const { infoHashHex } = await shareFolder(seeder);
    // A restore that never finishes, as when the worker dies on it: the piece listing never returns.
    const never = new Promise<never>(() => undefined);
    const dying: KeyValueStore = {
      getMany: (keys) => store.getMany(keys),
      setMany: (entries) => store.setMany(entries),
      delMany: (keys) => store.delMany(keys),
      // The listing of one torrent's pieces (`piece:<id>:`), not the start's sweep of orphaned shares.
      keys: (prefix) => (prefix.startsWith('piece:') && prefix.endsWith(':') ? never : store.keys(prefix)),
    };
    const attempts = async () =>
      ((await store.getMany([`torrent:${infoHashHex}`]))[0] as { startAttempts?: number }).startAttempts;
    for (let crash = 1; crash <= 3; crash++) {
      void new TestPeer(`crash${crash}`, dying).client.start();
      for (let wait = 0; wait < 200 && (await attempts()) !== crash; wait++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await attempts()).toBe(crash);
    }
    const next = await startedPeer('B', store);
    expect(next.view(infoHashHex)?.error).toMatch(
      /not restored: restoring it stopped the app 3 times in a row/,
    );
    expect(next.ofType('torrent-active')).toHaveLength(0);
    expect(await attempts()).toBe(4);
  });

  it('resets the count once a restore finishes', async () => {
    const store = new MemoryStore();
    const seeder = await startedPeer('A', store);
    const { infoHashHex } = await shareFolder(seeder);
    const record = (await store.getMany([`torrent:${infoHashHex}`]))[0] as Record<string, unknown>;
    await store.setMany([[`torrent:${infoHashHex}`, { ...record, startAttempts: 2 }]]);
    const next = await startedPeer('B', store);
    expect(next.view(infoHashHex)?.error).toBeUndefined();
    expect(next.ofType('torrent-active')).toHaveLength(1);
    expect(
      ((await store.getMany([`torrent:${infoHashHex}`]))[0] as Record<string, unknown>).startAttempts,
    ).toBe(0);
  });

  it('refuses a torrent of known size that does not fit the storage quota, and adds nothing', async () => {
    const small = { quota: 100 * KiB, usage: 10 * KiB };
    const peer = new TestPeer('S', new MemoryStore(), { estimateStorage: async () => small });
    await peer.client.start();
    const { files } = folder();
    const share = await peer.request({ op: 'share', files, name: 'folder' }, []);
    expect(share).toMatchObject({ ok: false, error: 'Not enough storage: needs 130 KiB, 90.0 KiB free' });
    const hash = 'ab'.repeat(20);
    const magnet = await peer.request(
      {
        op: 'add-magnet',
        link: `magnet:?xt=urn:btih:${hash}&xl=${1024 * KiB}`,
      },
      [],
    );
    expect(magnet).toMatchObject({ ok: false, error: 'Not enough storage: needs 1.00 MiB, 90.0 KiB free' });
    expect(pieceKeys(peer.memory)).toEqual([]);
    expect(peer.view(hash)).toBeUndefined();
    // Without a size, a magnet is added (a full disk then shows on the torrent).
    expect(await peer.request({ op: 'add-magnet', link: hash }, [])).toMatchObject({
      ok: true,
    });
  });

  it('keeps only the WebSocket trackers of a link, at most 16 with the default among them', async () => {
    const peer = await startedPeer('T');
    const hash = 'cd'.repeat(20);
    const trackers = [
      'udp://tracker.example:80',
      'http://tracker.example/announce',
      ...Array.from({ length: 30 }, (_, i) => `wss://t${i}.example/`),
    ];
    const link = `magnet:?xt=urn:btih:${hash}${trackers.map((t) => `&tr=${encodeURIComponent(t)}`).join('')}`;
    await peer.request({ op: 'add-magnet', link }, ['wss://own.example/']);
    const active = peer.ofType('torrent-active').find((m) => m.infoHashHex === hash);
    expect(active?.trackers).toHaveLength(16);
    expect(active?.trackers).toContain('wss://own.example/');
    expect(active?.trackers.every((t) => t.startsWith('wss://'))).toBe(true);
  });

  it('a finished torrent seeds again after a reload', async () => {
    const store = new MemoryStore();
    const first = await startedPeer('A', store);
    const { bytes, infoHashHex } = await shareFolder(first);
    await first.client.flush();

    const second = await startedPeer('A2', store);
    expect(second.view(infoHashHex)).toMatchObject({ state: 'seeding', progress: 100, name: 'folder' });
    const reply = await second.request({ op: 'get-file', infoHashHex, fileIndex: 0 });
    expect(sha256(await blobBytes(reply.ok ? reply.value : undefined))).toBe(sha256(bytes[0]));
  });

  it('deletes at start the pieces of a share that a reload cut short while hashing, and nothing else', async () => {
    const store = new MemoryStore();
    const first = await startedPeer('A', store);
    const { bytes, infoHashHex } = await shareFolder(first);
    await first.client.flush();
    const finished = pieceKeys(store);
    expect(finished.length).toBeGreaterThan(0);
    // What a tab closed in the middle of hashing a share leaves behind: pieces under a share id with no record; and
    // pieces of a download stored under its info hash, which this cleanup must not touch.
    const piece = new Uint8Array(16 * KiB).buffer;
    const orphans = ['piece:share-00112233aabbccdd:0', 'piece:share-00112233aabbccdd:1', 'piece:share-ff:0'];
    const download = `piece:${'ab'.repeat(20)}:0`;
    await store.setMany([...orphans, download].map((key) => [key, piece]));

    const second = await startedPeer('A2', store);
    expect(pieceKeys(store).sort()).toEqual([...finished, download].sort());
    expect(second.view(infoHashHex)).toMatchObject({ state: 'seeding', progress: 100 });
    const reply = await second.request({
      op: 'get-file',
      infoHashHex,
      fileIndex: fileIndex(second, infoHashHex, 2),
    });
    expect(sha256(await blobBytes(reply.ok ? reply.value : undefined))).toBe(sha256(bytes[2]));
  });

  it('a full disk makes the torrent wait for storage, keeping the verified pieces, and it finishes once there is room', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    network.add(seeder);
    const { infoHashHex } = await shareFolder(seeder);
    const pieceCount = seeder.view(infoHashHex)?.pieceCount ?? 0;

    const store = new MemoryStore();
    const leecher = await startedPeer('B', store);
    network.add(leecher);
    await leecher.request(
      {
        op: 'add-magnet',
        link: seeder.view(infoHashHex)?.magnet ?? '',
      },
      [],
    );
    await leecher.client.flush();
    store.quotaBytes = store.usedBytes() + 3 * 16 * KiB + 100; // room for about three pieces
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'error', [seeder.client, leecher.client]);

    const view = leecher.view(infoHashHex);
    expect(view?.error).toBe('Waiting for storage: storage quota exceeded');
    const stored = pieceKeys(store).length;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(pieceCount);
    expect(view?.have).toBe(stored);
    expect(leecher.ofType('torrent-inactive')).toEqual([]);
    expect(seeder.view(infoHashHex)?.state).toBe('seeding');

    // A reload finds the verified pieces.
    const again = await startedPeer('B2', store);
    expect(again.view(infoHashHex)?.have).toBe(stored);
    await again.client.flush();

    // Room again: the download goes on by itself and finishes.
    store.quotaBytes = Infinity;
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    expect(leecher.view(infoHashHex)?.have).toBe(pieceCount);
    expect(leecher.view(infoHashHex)?.error).toBeUndefined();
  });

  it('storage that cannot be opened shows an error on the torrent', async () => {
    const store = new MemoryStore();
    store.failure = new StorageUnavailableError('storage unavailable: private mode');
    const peer = await startedPeer('A', store);
    const magnet = formatMagnet({ infoHash: new Uint8Array(20).fill(7), name: 'x' });
    const reply = await peer.request({ op: 'add-magnet', link: magnet }, []);
    expect(reply.ok).toBe(true);
    await until(() => peer.view('07'.repeat(20))?.state === 'error', [peer.client]);
    expect(peer.view('07'.repeat(20))?.error).toBe('storage unavailable: private mode');
  });

  it('rejects bad input with a clear message and stores nothing', async () => {
    const peer = await startedPeer('A');
    const empty = await peer.request(
      {
        op: 'share',
        files: [{ file: file(new Uint8Array(0), 'e'), path: ['e'] }],
        name: 'e',
      },
      [],
    );
    expect(empty).toEqual({
      type: 'reply',
      requestId: expect.any(Number),
      ok: false,
      error: NOTHING_TO_SHARE,
    });
    const unsafe = await peer.request(
      {
        op: 'share',
        files: [{ file: file(randomBytes(100, 3), 'x'), path: ['..', 'x'] }],
        name: 'bad',
      },
      [],
    );
    expect(unsafe.ok).toBe(false);
    const magnet = await peer.request({ op: 'add-magnet', link: 'hello' }, []);
    expect(magnet.ok).toBe(false);
    expect(magnet.ok ? '' : magnet.error).toMatch(/magnet|info hash/i);
    const torrent = await peer.request(
      {
        op: 'add-torrent-file',
        bytes: new TextEncoder().encode('not bencode').buffer,
      },
      [],
    );
    expect(torrent.ok ? '' : torrent.error).toBe(
      'Not a valid .torrent file: this file is not in the .torrent format (choose the .torrent file a BitTorrent app made)',
    );
    await peer.client.flush();
    expect(peer.memory.data.size).toBe(0);
    expect(peer.client.views()).toEqual([]);
  });

  it('adds a torrent once, from a .torrent file too, with deduplicated trackers', async () => {
    const seeder = await startedPeer('A');
    const { infoHashHex } = await shareFolder(seeder);
    const torrentFile = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    const bytes = await blobBytes(torrentFile.ok ? torrentFile.value.blob : undefined);

    const peer = await startedPeer('B');
    const first = await peer.request(
      {
        op: 'add-torrent-file',
        bytes: bytes.slice().buffer,
      },
      ['wss://t.example/', 'wss://b.example/'],
    );
    expect(first).toMatchObject({ ok: true, value: { infoHashHex, name: 'folder' } });
    const view = peer.view(infoHashHex);
    expect(view).toMatchObject({
      state: 'downloading',
      have: 0,
      trackers: ['wss://t.example/', 'wss://b.example/'],
    });
    expect(view?.files.map((f) => f.complete)).toEqual([false, true, false]);
    const again = await peer.request({ op: 'add-magnet', link: infoHashHex }, []);
    expect(again).toMatchObject({ ok: true, value: { infoHashHex } });
    expect(peer.client.views()).toHaveLength(1);
    const notYet = await peer.request({ op: 'get-file', infoHashHex, fileIndex: 0 });
    expect(notYet).toMatchObject({ ok: false, error: 'The file is not complete yet' });
  });

  it('pauses, resumes and removes a torrent, deleting its stored data', async () => {
    const peer = await startedPeer('A');
    const { infoHashHex } = await shareFolder(peer);
    await peer.request({ op: 'pause', infoHashHex });
    expect(peer.view(infoHashHex)?.state).toBe('paused');
    expect(peer.ofType('torrent-inactive')).toHaveLength(1);
    await peer.request({ op: 'resume', infoHashHex });
    expect(peer.view(infoHashHex)?.state).toBe('seeding');
    expect(peer.ofType('torrent-active')).toHaveLength(2);

    await peer.request({ op: 'remove', infoHashHex });
    expect(peer.ofType('announce').at(-1)).toMatchObject({ event: 'stopped' });
    expect(peer.ofType('torrent-inactive')).toHaveLength(2);
    expect(peer.client.views()).toEqual([]);
    await peer.client.flush();
    expect(peer.memory.data.size).toBe(0);
  });

  it('a paused torrent stays paused after a reload', async () => {
    const store = new MemoryStore();
    const first = await startedPeer('A', store);
    const { infoHashHex } = await shareFolder(first);
    await first.request({ op: 'pause', infoHashHex });
    await first.client.flush();
    const second = await startedPeer('A2', store);
    expect(second.view(infoHashHex)?.state).toBe('paused');
    expect(second.ofType('torrent-active')).toEqual([]);
  });

  it('shows a share while it is hashed, and Remove cancels it without leaving data behind', async () => {
    const peer = await startedPeer('A');
    const data = randomBytes(300 * KiB, 9);
    // A file whose reads wait until the test lets them through.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      size: data.length,
      slice: (start: number, end: number) => ({
        arrayBuffer: async () => {
          await gate;
          return data.slice(start, end).buffer;
        },
      }),
    } as unknown as File;
    const sharing = peer.client.handle({
      type: 'action',
      requestId: 7,
      call: { op: 'share', files: [{ file: slow, path: ['slow.bin'] }], name: 'slow.bin' },
      defaultTrackers: [],
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const views = peer.client.views();
    expect(views).toEqual([expect.objectContaining({ name: 'slow.bin', hashing: 0, length: data.length })]);
    await peer.request({ op: 'remove', infoHashHex: views[0].infoHashHex });
    release();
    await sharing;
    expect(peer.ofType('reply').filter((reply) => reply.requestId === 7)).toEqual([
      { type: 'reply', requestId: 7, ok: false, error: 'The share was cancelled' },
    ]);
    await peer.client.flush();
    expect(peer.memory.data.size).toBe(0);
    expect(peer.client.views()).toEqual([]);
  });

  it('a torrent removed and added again at once starts from nothing', async () => {
    const seeder = await startedPeer('A');
    const { infoHashHex } = await shareFolder(seeder);
    const torrentFile = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    const bytes = await blobBytes(torrentFile.ok ? torrentFile.value.blob : undefined);
    const network = new Network();
    network.add(seeder);
    const peer = await startedPeer('B');
    network.add(peer);
    await peer.request({ op: 'add-torrent-file', bytes: bytes.slice().buffer }, []);
    network.connect(seeder, peer, infoHashHex);
    await until(() => peer.view(infoHashHex)?.state === 'seeding', [seeder.client, peer.client]);

    // The delete of the stored pieces takes a while.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const delMany = peer.memory.delMany.bind(peer.memory);
    peer.memory.delMany = async (keys) => {
      await gate;
      return delMany(keys);
    };
    const removing = peer.request({ op: 'remove', infoHashHex });
    const adding = peer.request(
      {
        op: 'add-torrent-file',
        bytes: bytes.slice().buffer,
      },
      [],
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await removing;
    const again = await adding;
    expect(again).toMatchObject({ ok: true, value: { infoHashHex } });
    expect(peer.view(infoHashHex)).toMatchObject({ state: 'downloading', have: 0 });
  });
});
