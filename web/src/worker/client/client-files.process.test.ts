// The worker client over the piece file store (what a browser with synchronous access handles runs): the
// behaviours of client.test.ts that touch stored pieces, with the bytes in one in-memory file per torrent.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore, torrentKey, verifiedKey } from '../../lib/storage/storage';
import { MemoryFileDirectory } from '../storage/sync-file';
import { makeVideo } from '../../../../e2e/media';
import { fragmentHeaderPieces, mfraMoofOffsets } from '../torrent/streams/mp4-fragments';
import { EARLY_START_BYTES, earlyPieces, playStartPieces, TAIL_BYTES } from '../torrent/streams/play-start';
import { Network, SlowStore, TestPeer, file, randomBytes, until } from '../testing/harness';
import type { TorrentRecord } from '../storage/records';

const KiB = 1024;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function startedPeer(
  name: string,
  store = new MemoryStore(),
  /** null: the IndexedDB store (no piece files). */
  directory: MemoryFileDirectory | null = new MemoryFileDirectory(),
): Promise<TestPeer & { directory: MemoryFileDirectory | null }> {
  const peer = new TestPeer(name, store, directory ? { pieceDirectory: directory } : {});
  await peer.client.start();
  return Object.assign(peer, { directory });
}

async function share(peer: TestPeer, data: Uint8Array, name: string): Promise<string> {
  const reply = await peer.request(
    { op: 'share', files: [{ file: file(data, name), path: [name] }], name },
    [],
  );
  if (!reply.ok) throw new Error(`share failed: ${JSON.stringify(reply)}`);
  return reply.value.infoHashHex;
}

async function saved(peer: TestPeer, infoHashHex: string): Promise<string> {
  const reply = await peer.request({ op: 'get-file', infoHashHex, fileIndex: 0 });
  if (!reply.ok) throw new Error(`get-file failed: ${JSON.stringify(reply)}`);
  return sha256(new Uint8Array(await reply.value.arrayBuffer()));
}

function pieceEntries(store: MemoryStore): string[] {
  return [...store.data.keys()].filter((key) => key.startsWith('piece:'));
}

/** A seeder sharing `data` as `name`, and a leecher on the piece file store that added its .torrent (so a stream's
 * wish is known before any peer sends a piece); `pieceForStream` sees what the leecher gives the service worker. */
async function fromTorrentFile(
  data: Uint8Array,
  name: string,
  pieceForStream: (index: number, data: ArrayBuffer) => void,
) {
  const network = new Network();
  const seeder = await startedPeer('A');
  const leecher = new TestPeer('B', new MemoryStore(), {
    pieceDirectory: new MemoryFileDirectory(),
    pieceForStream: (_hash, index, piece) => pieceForStream(index, piece),
  });
  await leecher.client.start();
  network.add(seeder);
  network.add(leecher);
  const infoHashHex = await share(seeder, data, name);
  const torrent = await seeder.request({ op: 'get-torrent-file', infoHashHex });
  if (!torrent.ok) throw new Error(torrent.error);
  const bytes = await torrent.value.blob.arrayBuffer();
  expect(await leecher.request({ op: 'add-torrent-file', bytes }, [])).toMatchObject({ ok: true });
  const { pieceCount } = leecher.view(infoHashHex)!;
  const pieceLength = Math.ceil(data.length / pieceCount / 16384) * 16384;
  return { network, seeder, leecher, infoHashHex, pieceCount, pieceLength };
}

describe('worker client on the piece file store', () => {
  it("tells the service worker the torrent's record as Play is pressed, and its removal", async () => {
    const told: Array<{ infoHashHex: string; storageId?: string; infoBytes?: ArrayBuffer }> = [];
    const gone: string[] = [];
    const seeder = await startedPeer('A');
    const leecher = new TestPeer('B', new MemoryStore(), {
      pieceDirectory: new MemoryFileDirectory(),
      torrentKnown: (infoHashHex, storageId, infoBytes) => told.push({ infoHashHex, storageId, infoBytes }),
      torrentGone: (infoHashHex) => gone.push(infoHashHex),
    });
    await leecher.client.start();
    const infoHashHex = await share(seeder, randomBytes(100 * KiB, 3), 'clip.webm');
    const torrent = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    if (!torrent.ok) throw new Error(torrent.error);
    await leecher.request({ op: 'add-torrent-file', bytes: await torrent.value.blob.arrayBuffer() }, []);
    expect(told).toEqual([]);
    await leecher.request({ op: 'play-start', infoHashHex, fileIndex: 0 }, []);
    // What the service worker would read from the record: the same storage and info.
    await leecher.client.flush();
    const record = leecher.memory.data.get(torrentKey(infoHashHex)) as unknown as TorrentRecord;
    expect(told).toEqual([{ infoHashHex, storageId: record.storageId, infoBytes: record.infoBytes }]);
    expect(gone).toEqual([]);
    await leecher.request({ op: 'remove', infoHashHex }, []);
    expect(gone).toEqual([infoHashHex]);
  });

  it('gives the service worker the verified pieces its streams wait for, and those only', async () => {
    const given: Array<{ index: number; sha: string }> = [];
    const data = randomBytes(300 * KiB + 7, 6);
    // Not a video's name: a playable file's early pieces would go to the service worker too (the next tests).
    const { network, seeder, leecher, infoHashHex, pieceCount, pieceLength } = await fromTorrentFile(
      data,
      'clip.bin',
      (index, piece) => given.push({ index, sha: sha256(new Uint8Array(piece)) }),
    );
    expect(pieceLength * (pieceCount - 1) < data.length && data.length <= pieceLength * pieceCount).toBe(
      true,
    );
    const wanted = [pieceCount - 1, 1];
    await leecher.client.handle({ type: 'want-pieces', infoHashHex, pieces: wanted, seek: false });
    const clients = [seeder.client, leecher.client];
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', clients);
    const expected = wanted.map((index) => ({
      index,
      sha: sha256(data.subarray(index * pieceLength, (index + 1) * pieceLength)),
    }));
    expect(given.sort((x, y) => x.index - y.index)).toEqual(expected.sort((x, y) => x.index - y.index));
  });

  it('Play pressed asks for the first piece, the last ones and the start at once, before any read of the player', async () => {
    const given: number[] = [];
    const data = randomBytes(3 * 1024 * KiB + 11, 8);
    // A name that is not a video's, so that the early pieces of a playable file do not hide what Play asks for.
    const { network, seeder, leecher, infoHashHex, pieceCount, pieceLength } = await fromTorrentFile(
      data,
      'clip.bin',
      (index) => given.push(index),
    );
    expect(await leecher.request({ op: 'play-start', infoHashHex, fileIndex: 0 }, [])).toMatchObject({
      ok: true,
    });
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    // The pieces the engine was told a player waits for, and those only (the rest of the file is not a stream's).
    const expected = playStartPieces({ offset: 0, length: data.length }, pieceLength).slice(0, 64);
    expect(expected).toContain(pieceCount - 1);
    expect(expected.length).toBeLessThan(pieceCount);
    expect([...new Set(given)].sort((x, y) => x - y)).toEqual([...expected].sort((x, y) => x - y));
  });

  it('fetches the early pieces of a video first and gives them to the service worker, with no Play and no wish', async () => {
    const given: number[] = [];
    const data = randomBytes(3 * EARLY_START_BYTES + 11, 9);
    const { network, seeder, leecher, infoHashHex, pieceCount, pieceLength } = await fromTorrentFile(
      data,
      'clip.webm',
      (index) => given.push(index),
    );
    network.connect(seeder, leecher, infoHashHex);
    const clients = [seeder.client, leecher.client];
    const early = earlyPieces([{ path: ['clip.webm'], offset: 0, length: data.length }], pieceLength);
    expect(early).toContain(pieceCount - 1);
    expect(early.length).toBeLessThan(pieceCount / 2);
    // The first pieces verified are the early ones, whatever the rarest-first order would have taken.
    await until(() => (leecher.view(infoHashHex)?.have ?? 0) >= early.length, clients);
    expect(new Set(given.slice(0, early.length))).toEqual(new Set(early));
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', clients);
    expect([...new Set(given)].sort((x, y) => x - y)).toEqual([...early].sort((x, y) => x - y));
  });

  it('the first piece, and a piece a stream waits for, are counted in the stored map at once, not with the next batch', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    // Batches that only the delay starts never go in this test: what lands, a hurry put there.
    const leecher = new TestPeer('B', new MemoryStore(), {
      pieceDirectory: new MemoryFileDirectory(),
      writer: { delayMs: 600_000 },
    });
    await leecher.client.start();
    network.add(seeder);
    network.add(leecher);
    const data = randomBytes(96 * KiB + 5, 4);
    const infoHashHex = await share(seeder, data, 'clip.bin');
    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)?.magnet ?? '' }, []);
    network.connect(seeder, leecher, infoHashHex);
    const clients = [seeder.client, leecher.client];
    // Every piece arrives and verifies; the first is counted at once (the download is seen to begin), the others
    // not while the writer holds the batch.
    await until(() => (leecher.view(infoHashHex)?.pieceCount ?? 0) > 0, clients);
    await until(() => seeder.view(infoHashHex)!.uploaded >= data.length, clients);
    await until(() => leecher.view(infoHashHex)!.have > 0, clients);
    expect(leecher.view(infoHashHex)!.have).toBe(1);
    const waiting = leecher.view(infoHashHex)!.availability.findIndex((count) => count !== -1);
    expect(waiting).toBeGreaterThanOrEqual(0);
    // The service worker waits for a piece still held: it is counted now.
    await leecher.client.handle({ type: 'want-pieces', infoHashHex, pieces: [waiting], seek: false });
    await until(() => (leecher.view(infoHashHex)?.availability[waiting] ?? 0) === -1, clients);
    const map = (await leecher.store.getMany([verifiedKey(infoHashHex)]))[0];
    expect(map).toBeDefined();
  });

  it('pieces a stream waits for, given to the service worker, land together soon, not a flush of the piece file each', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const directory = new MemoryFileDirectory();
    const given: number[] = [];
    // Timers never fire in this test and no time passes: what lands, a hurry or a `soon` past due put there.
    const leecher = new TestPeer('B', new MemoryStore(), {
      pieceDirectory: directory,
      writer: { schedule: () => 0, cancel: () => {}, now: () => 0 },
      pieceForStream: (_hash, index) => given.push(index),
    });
    await leecher.client.start();
    network.add(seeder);
    network.add(leecher);
    const data = randomBytes(160 * KiB + 5, 6);
    // Not a video's name: no early pieces.
    const infoHashHex = await share(seeder, data, 'clip.bin');
    const torrent = await seeder.request({ op: 'get-torrent-file', infoHashHex });
    if (!torrent.ok) throw new Error(torrent.error);
    await leecher.request({ op: 'add-torrent-file', bytes: await torrent.value.blob.arrayBuffer() }, []);
    const { pieceCount } = leecher.view(infoHashHex)!;
    expect(pieceCount).toBeGreaterThan(4);
    const wished = Array.from({ length: pieceCount }, (_, index) => index);
    await leecher.client.handle({ type: 'want-pieces', infoHashHex, pieces: wished, seek: false });
    network.connect(seeder, leecher, infoHashHex);
    const clients = [seeder.client, leecher.client];
    await until(() => given.length === pieceCount, clients);
    // What the transactions started meanwhile still do lands (a few turns of the store).
    const settled = Date.now() + 200;
    await until(() => Date.now() > settled, clients);
    expect([...given].sort((a, b) => a - b)).toEqual(wished);
    // The first piece lands at once (the download is seen to begin), the rest within GIVEN_PIECE_STORE_MS of it, in
    // one transaction (its timer, never fired here): a transaction for each piece waited for flushed the file once a
    // piece.
    const flushes = [...directory.files.values()].reduce((sum, file) => sum + file.flushes, 0);
    expect(flushes).toBe(1);
    expect(leecher.view(infoHashHex)!.have).toBe(1);
  });

  it('offers the files of a magnet download once its record with the info is stored (the service worker reads it)', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const leecher = await startedPeer('B', new SlowStore(60));
    network.add(seeder);
    network.add(leecher);
    const infoHashHex = await share(seeder, randomBytes(200 * KiB + 3, 5), 'clip.webm');
    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)?.magnet ?? '' }, []);
    network.connect(seeder, leecher, infoHashHex);
    let offeredEarly = 0;
    await until(() => {
      const offered = (leecher.view(infoHashHex)?.files.length ?? 0) > 0;
      const record = leecher.memory.data.get(torrentKey(infoHashHex)) as { infoBytes?: unknown } | undefined;
      if (offered && !record?.infoBytes) offeredEarly++;
      return offered && leecher.view(infoHashHex)?.state === 'seeding';
    }, [seeder.client, leecher.client]);
    expect(offeredEarly).toBe(0);
  });

  it('shares into one file, downloads into one file by magnet, saves, and resumes after a reload', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    const leecher = await startedPeer('B');
    network.add(seeder);
    network.add(leecher);
    const data = randomBytes(300 * KiB + 11, 3);
    const infoHashHex = await share(seeder, data, 'one.bin');
    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)?.magnet ?? '' }, []);
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    expect(await saved(leecher, infoHashHex)).toBe(sha256(data));
    await Promise.all([seeder.client.flush(), leecher.client.flush()]);

    // No piece bytes in the key-value store: one file each, the size of the torrent.
    expect(pieceEntries(seeder.memory)).toEqual([]);
    expect(pieceEntries(leecher.memory)).toEqual([]);
    expect([...leecher.directory!.files.keys()]).toEqual([infoHashHex]);
    expect(leecher.directory!.files.get(infoHashHex)!.size).toBe(data.length);
    expect(seeder.directory!.files.size).toBe(1);

    // A reload (the worker and its handles gone) restores the torrent complete from the file and its map.
    leecher.directory!.closeAll();
    const again = await startedPeer('B2', leecher.memory, leecher.directory);
    expect(again.view(infoHashHex)).toMatchObject({ state: 'seeding', progress: 100 });
    expect(await saved(again, infoHashHex)).toBe(sha256(data));
  });

  it('Remove deletes the file and the verified map', async () => {
    const peer = await startedPeer('A');
    const infoHashHex = await share(peer, randomBytes(70 * KiB, 4), 'gone.bin');
    await peer.client.flush();
    expect(peer.directory!.files.size).toBe(1);
    await peer.request({ op: 'remove', infoHashHex });
    await peer.client.flush();
    expect(peer.directory!.files.size).toBe(0);
    expect(peer.memory.data.size).toBe(0);
  });

  it('a full disk makes the torrent wait for storage and keeps the verified pieces', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    network.add(seeder);
    const infoHashHex = await share(seeder, randomBytes(200 * KiB, 5), 'big.bin');
    const pieceCount = seeder.view(infoHashHex)?.pieceCount ?? 0;
    const directory = new MemoryFileDirectory();
    directory.quotaBytes = 3 * 16 * KiB; // the file may grow to three pieces
    const store = new MemoryStore();
    const leecher = await startedPeer('B', store, directory);
    network.add(leecher);
    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)?.magnet ?? '' }, []);
    await leecher.client.flush();
    store.quotaBytes = store.usedBytes() + 3 * 16 * KiB + 100; // and IndexedDB takes about three more
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'error', [seeder.client, leecher.client]);
    const view = leecher.view(infoHashHex);
    expect(view?.error).toBe('Waiting for storage: storage quota exceeded');
    expect(view?.have).toBeGreaterThan(0);
    expect(view?.have).toBeLessThan(pieceCount);
    await leecher.client.flush();
    directory.closeAll();
    const again = await startedPeer('B2', leecher.memory, directory);
    expect(again.view(infoHashHex)?.have).toBe(view?.have);
  });

  it('a full disk freed again: the download goes on by itself and its file is byte-identical', async () => {
    const network = new Network();
    const seeder = await startedPeer('A');
    network.add(seeder);
    const data = randomBytes(200 * KiB, 8);
    const infoHashHex = await share(seeder, data, 'big.bin');
    const directory = new MemoryFileDirectory();
    directory.quotaBytes = 3 * 16 * KiB;
    const store = new MemoryStore();
    const leecher = await startedPeer('B', store, directory);
    network.add(leecher);
    await leecher.request({ op: 'add-magnet', link: seeder.view(infoHashHex)?.magnet ?? '' }, []);
    await leecher.client.flush();
    store.quotaBytes = store.usedBytes() + 3 * 16 * KiB + 100;
    network.connect(seeder, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'error', [seeder.client, leecher.client]);
    directory.quotaBytes = Infinity;
    store.quotaBytes = Infinity;
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
    expect(await saved(leecher, infoHashHex)).toBe(sha256(data));
  });

  it('a torrent stored by the IndexedDB store keeps working once pieces go to files', async () => {
    // Today's format, made by today's code: the pieces as piece:<storageId>:<index> entries.
    const store = new MemoryStore();
    const before = await startedPeer('A', store, null);
    const data = randomBytes(150 * KiB + 3, 6);
    const infoHashHex = await share(before, data, 'old.bin');
    await before.client.handle({ type: 'shutdown' });
    const legacy = pieceEntries(store);
    expect(legacy.length).toBe(before.view(infoHashHex)?.pieceCount);

    const after = await startedPeer('A2', store);
    expect(after.view(infoHashHex)).toMatchObject({ state: 'seeding', progress: 100 });
    expect(await saved(after, infoHashHex)).toBe(sha256(data));
    // It seeds from the old entries.
    const network = new Network();
    const leecher = await startedPeer('B');
    network.add(after);
    network.add(leecher);
    await leecher.request({ op: 'add-magnet', link: after.view(infoHashHex)?.magnet ?? '' }, []);
    network.connect(after, leecher, infoHashHex);
    await until(() => leecher.view(infoHashHex)?.state === 'seeding', [after.client, leecher.client]);
    expect(await saved(leecher, infoHashHex)).toBe(sha256(data));
    // Remove deletes the old entries too.
    await after.request({ op: 'remove', infoHashHex });
    await after.client.flush();
    expect(pieceEntries(store)).toEqual([]);
    expect(store.data.has(verifiedKey(infoHashHex))).toBe(false);
  });

  it('deletes at start the file of a share that a reload cut short while hashing', async () => {
    const store = new MemoryStore();
    const directory = new MemoryFileDirectory();
    const first = await startedPeer('A', store, directory);
    const kept = await share(first, randomBytes(40 * KiB, 7), 'kept.bin');
    await first.client.flush();
    const keptFile = [...directory.files.keys()];
    await (await directory.open('share-00112233aabbccdd')).write(new Uint8Array(10), 0);
    directory.closeAll();
    const second = await startedPeer('A2', store, directory);
    expect([...directory.files.keys()]).toEqual(keptFile);
    expect(second.view(kept)?.state).toBe('seeding');
  });
  it('Play on a fragmented MP4 gives the service worker its fragments’ header pieces, found in its mfra', async () => {
    // ffmpeg's fragmented MP4 (a moof per keyframe, an mfra at the end): 40 s at 2 Mbit/s, about 10 MB, so that
    // fragments lie past the early pieces (the first EARLY_START_BYTES and the tail, given as they come anyway).
    const dir = mkdtempSync(join(tmpdir(), 'fmp4-play-'));
    try {
      const data = new Uint8Array(readFileSync(makeVideo(dir, 'fmp4', { seconds: 40, bitrate: 2_000_000 })));
      const given = new Set<number>();
      const { network, seeder, leecher, infoHashHex, pieceLength } = await fromTorrentFile(
        data,
        'fragmented.mp4',
        (index) => given.add(index),
      );
      const tailStart = data.length - TAIL_BYTES;
      const offsets = mfraMoofOffsets(data.subarray(tailStart), tailStart, data.length)!;
      const early = new Set(
        playStartPieces({ offset: 0, length: data.length }, pieceLength, EARLY_START_BYTES),
      );
      const headers = fragmentHeaderPieces(offsets, 0, data.length, pieceLength).filter((i) => !early.has(i));
      expect(headers.length).toBeGreaterThanOrEqual(2);
      await leecher.request({ op: 'play-start', infoHashHex, fileIndex: 0 }, []);
      network.connect(seeder, leecher, infoHashHex);
      await until(() => leecher.view(infoHashHex)?.state === 'seeding', [seeder.client, leecher.client]);
      expect(headers.filter((index) => !given.has(index))).toEqual([]);
      expect(await saved(leecher, infoHashHex)).toBe(sha256(data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
