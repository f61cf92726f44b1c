import { describe, expect, it } from 'vitest';
import { fileResponse, fileUrl, parseFileUrl, type TorrentFiles } from './file-response';
import { BUNDLE_BYTES, type PieceSource } from './piece-stream';
import { PROBE_BYTES, PROBE_MS, PROBE_READ_ON_BYTES, WANT_AHEAD_BYTES } from './read-window';

const PIECE = 16;
/** Three files over 5 pieces of 16 bytes: a (20 bytes), empty, b.webm (50 bytes). */
const torrent: TorrentFiles = {
  infoHashHex: 'ab'.repeat(20),
  pieceLength: PIECE,
  pieceCount: 5,
  files: [
    { path: ['a.bin'], length: 20, offset: 0 },
    { path: ['empty.txt'], length: 0, offset: 20 },
    { path: ['dir', 'b.webm'], length: 50, offset: 20 },
  ],
};
const all = Uint8Array.from({ length: 70 }, (_, i) => i);
const piece = (index: number) => all.slice(index * PIECE, Math.min(all.length, (index + 1) * PIECE)).buffer;

/** Pieces from `all`, of which `missing` arrive only after they are wanted and `delay` pauses. */
function source(missing: number[] = [], delay = 2) {
  const stored = new Set([0, 1, 2, 3, 4].filter((i) => !missing.includes(i)));
  const wanted: Array<{ indices: number[]; seek: boolean }> = [];
  const reads: number[] = [];
  let pauses = 0;
  const s: PieceSource = {
    async read(index) {
      reads.push(index);
      return stored.has(index) ? piece(index) : undefined;
    },
    want(indices, seek) {
      wanted.push({ indices, seek });
    },
    async pause() {
      if (++pauses >= delay) for (const i of missing) stored.add(i);
    },
  };
  return { s, wanted, reads };
}

/** The pull under way has finished (its reads are promises that resolve at once). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

async function bytes(response: Response): Promise<number[]> {
  return [...new Uint8Array(await response.arrayBuffer())];
}

describe('fileResponse', () => {
  it('serves a whole file across piece boundaries, with its type and length', async () => {
    const response = fileResponse(torrent, 2, null, false, source().s);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/webm');
    expect(response.headers.get('content-length')).toBe('50');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(await bytes(response)).toEqual([...all.slice(20, 70)]);
  });

  it("serves a complete torrent's file and ranges as slices of its stored Blob, reading no piece", async () => {
    const { s, reads } = source();
    const stored = new Blob([all]);
    const whole = fileResponse(torrent, 2, null, true, s, stored);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('50');
    expect(whole.headers.get('content-disposition')).toContain('b.webm');
    expect(await bytes(whole)).toEqual([...all.slice(20, 70)]);
    const part = fileResponse(torrent, 2, 'bytes=5-30', false, s, stored);
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 5-30/50');
    expect(await bytes(part)).toEqual([...all.slice(25, 51)]);
    expect(reads).toEqual([]);
  });

  it('reads pieces when the stored Blob is shorter than the file', async () => {
    const { s, reads } = source();
    const response = fileResponse(torrent, 2, null, false, s, new Blob([all.slice(0, 40)]));
    expect(await bytes(response)).toEqual([...all.slice(20, 70)]);
    expect(reads).toEqual([1, 2, 3, 4]);
  });

  it('serves one range (206) from the first and last partial pieces', async () => {
    const response = fileResponse(torrent, 2, 'bytes=5-30', false, source().s);
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 5-30/50');
    expect(response.headers.get('content-length')).toBe('26');
    expect(await bytes(response)).toEqual([...all.slice(25, 51)]);
    const tail = fileResponse(torrent, 0, 'bytes=-4', false, source().s);
    expect(await bytes(tail)).toEqual([16, 17, 18, 19]);
  });

  it('answers 416 to a range past the end, and 404 to a file that is not there', async () => {
    const response = fileResponse(torrent, 0, 'bytes=20-', false, source().s);
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */20');
    expect(fileResponse(torrent, 9, null, false, source().s).status).toBe(404);
  });

  it('serves a zero-length file empty', async () => {
    const response = fileResponse(torrent, 1, null, false, source().s);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('0');
    expect(await bytes(response)).toEqual([]);
  });

  it('reads as the reader asks: the stored pieces after the one asked for go in the same pull, a missing one waits for the next', async () => {
    const { s, reads, wanted } = source([3], 2);
    const reader = fileResponse(torrent, 2, null, false, s).body!.getReader();
    await reader.read();
    await settled();
    // Piece 1 (the file's first), piece 2 with it, piece 3 looked at and missing: not asked for yet.
    expect(reads).toEqual([1, 2, 3]);
    expect(wanted).toEqual([]);
    await reader.read();
    expect(reads).toEqual([1, 2, 3]);
    // The reader is back with nothing queued: the missing piece is asked for (and what follows) and waited for.
    const chunk = await reader.read();
    expect(wanted).toEqual([{ indices: [3, 4], seek: false }]);
    expect([...chunk.value!]).toEqual([...all.slice(48, 64)]);
    await reader.cancel();
  });

  it('waits for a missing piece after asking for it and what follows; a small range mid-file is a probe', async () => {
    const { s, wanted } = source([3], 3);
    const response = fileResponse(torrent, 2, 'bytes=30-49', true, s);
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''b.webm");
    expect(await bytes(response)).toEqual([...all.slice(50, 70)]);
    expect(wanted).toEqual([{ indices: [3, 4], seek: false }]);
  });

  it('stops looking for a missing piece once its reader went away (a player that seeks drops its request)', async () => {
    const { s, reads } = source([1], Infinity);
    // Looks again after a real moment, as the service worker does.
    s.pause = () => new Promise((resolve) => setTimeout(resolve, 1));
    const reader = fileResponse(torrent, 0, null, false, s).body!.getReader();
    expect((await reader.read()).value).toEqual(all.slice(0, 16));
    const waiting = reader.read();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const looks = reads.length;
    expect(looks).toBeGreaterThan(2);
    await reader.cancel();
    await waiting;
    await new Promise((resolve) => setTimeout(resolve, 10));
    // At most the look under way when it was cancelled.
    expect(reads.length).toBeLessThanOrEqual(looks + 1);
  });

  it("asks for no piece past the range's end (the next file's, an index read's tail)", async () => {
    const first = source([0, 1], 1);
    expect(await bytes(fileResponse(torrent, 0, null, false, first.s))).toEqual([...all.slice(0, 20)]);
    expect(first.wanted).toEqual([{ indices: [0, 1], seek: false }]);
    const head = source([0, 1], 1);
    expect(await bytes(fileResponse(torrent, 0, 'bytes=0-3', false, head.s))).toEqual([0, 1, 2, 3]);
    expect(head.wanted).toEqual([{ indices: [0], seek: false }]);
  });

  it('names the URL after the file, safely, and reads it back', () => {
    const url = fileUrl(torrent.infoHashHex, 2, 'dir/CON.webm', true);
    expect(url).toBe(`/files/${torrent.infoHashHex}/2/_CON.webm?download=1`);
    expect(parseFileUrl(new URL(url, 'http://x').pathname)).toEqual({
      infoHashHex: torrent.infoHashHex,
      fileIndex: 2,
    });
    expect(parseFileUrl('/files/zz/1/a')).toBeNull();
    expect(parseFileUrl('/assets/app.js')).toBeNull();
  });
});

describe('fileResponse: header probes and seeks (a fragmented MP4 read before its first frame)', () => {
  /** 32 KiB pieces: a probe asks for two, a window for 129. */
  const LENGTH = 32 * 1024;
  const PIECES = 400;
  const big: TorrentFiles = {
    infoHashHex: 'cd'.repeat(20),
    pieceLength: LENGTH,
    pieceCount: PIECES,
    files: [{ path: ['fragmented.mp4'], length: PIECES * LENGTH, offset: 0 }],
  };
  const PROBE_PIECES = PROBE_BYTES / LENGTH;
  const WINDOW_PIECES = 1 + WANT_AHEAD_BYTES / LENGTH;

  /** Nothing stored; a piece arrives `arriveAfter` pauses of 100 ms after it was first asked for. */
  function swarm(arriveAfter: number) {
    let clock = 0;
    const stored = new Set<number>();
    const askedAt = new Map<number, number>();
    const wanted: Array<{ indices: number[]; seek: boolean }> = [];
    const s: PieceSource = {
      async read(index) {
        return stored.has(index) ? new ArrayBuffer(LENGTH) : undefined;
      },
      want(indices, seek) {
        wanted.push({ indices, seek });
        for (const index of indices) if (!askedAt.has(index)) askedAt.set(index, clock);
      },
      async pause() {
        clock += 100;
        for (const [index, at] of askedAt) if (clock - at >= arriveAfter * 100) stored.add(index);
      },
      now: () => clock,
    };
    return { s, wanted, advance: (ms: number) => (clock += ms) };
  }

  /** Reads the first bytes of `range` and drops the request, as a player reading a header does. */
  async function probe(s: PieceSource, range: string): Promise<void> {
    const reader = fileResponse(big, 0, range, false, s).body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
  }

  it("a player's header probes across the file add their own pieces, replacing nothing; the start's window stays", async () => {
    const { s, wanted } = swarm(2);
    // The first read, at the start: its window, added.
    await probe(s, 'bytes=0-');
    expect(wanted).toEqual([{ indices: [...Array(WINDOW_PIECES).keys()], seek: false }]);
    // Every fragment's header, one open-ended read each, dropped once the header is in.
    const fragments = [150, 180, 210, 250, 300, 399];
    for (const piece of fragments) await probe(s, `bytes=${piece * LENGTH + 100}-`);
    const probes = wanted.slice(1);
    expect(probes).toHaveLength(fragments.length);
    expect(probes.every((wish) => !wish.seek)).toBe(true);
    expect(probes.map((wish) => wish.indices)).toEqual(
      fragments.map((piece) =>
        [...Array(PROBE_PIECES).keys()].map((i) => piece + i).filter((index) => index < PIECES),
      ),
    );
    // Back at the start for the first frame: its pieces were never forgotten, nothing asked for them again.
    const start = fileResponse(big, 0, 'bytes=0-', false, s).body!.getReader();
    for (let i = 0; i < WINDOW_PIECES - 1; i++) await start.read();
    await start.cancel();
    expect(wanted).toHaveLength(1 + fragments.length);
  });

  it('a mid-file read still read PROBE_MS after its first bytes is a seek: its window replaces the earlier wishes', async () => {
    // A piece takes 600 ms, longer than PROBE_MS.
    const { s, wanted } = swarm(6);
    const reader = fileResponse(big, 0, `bytes=${100 * LENGTH}-`, false, s).body!.getReader();
    // First a probe: its own pieces, added.
    await reader.read();
    expect(wanted).toEqual([{ indices: [100, 101], seek: false }]);
    await reader.read();
    // Read on: the next piece missing and PROBE_MS gone since the first bytes, the window comes as a seek, once.
    await reader.read();
    const seeks = wanted.filter((wish) => wish.seek);
    expect(seeks).toEqual([{ indices: [...Array(WINDOW_PIECES).keys()].map((i) => 102 + i), seek: true }]);
    for (let i = 0; i < WINDOW_PIECES + 5; i++) await reader.read();
    await reader.cancel();
    expect(wanted.filter((wish) => wish.seek)).toHaveLength(1);
    // Later windows of the same read add to it.
    expect(
      wanted.slice(wanted.indexOf(seeks[0]) + 1).every((wish) => !wish.seek && wish.indices.length > 2),
    ).toBe(true);
  });

  it('tells the source after each pause which piece the stream still waits for, and nothing once it came', async () => {
    let looks = 0;
    const waited: number[] = [];
    const s: PieceSource = {
      // Piece 0 is stored; piece 1 comes at the sixth look (the first is the bundle's, with piece 0; the second the
      // pull's own; three more after a pause each).
      async read(index) {
        if (index === 1 && ++looks < 6) return undefined;
        return index <= 1 ? new ArrayBuffer(LENGTH) : undefined;
      },
      want: () => {},
      pause: async () => undefined,
      waiting: (index) => waited.push(index),
    };
    const reader = fileResponse(big, 0, null, false, s).body!.getReader();
    await reader.read(); // piece 0 (piece 1 is not there to go with it)
    await reader.read(); // piece 1, after three pauses
    await reader.cancel();
    expect(waited).toEqual([1, 1, 1]);
  });

  it('a pull gives at most BUNDLE_BYTES of stored pieces, whatever is stored after them', async () => {
    const reads: number[] = [];
    const s: PieceSource = {
      async read(index) {
        reads.push(index);
        return new ArrayBuffer(LENGTH);
      },
      want: () => {},
      pause: async () => undefined,
    };
    const reader = fileResponse(big, 0, null, false, s).body!.getReader();
    await reader.read();
    await settled();
    expect(reads).toEqual([...Array(BUNDLE_BYTES / LENGTH).keys()]);
    await reader.cancel();
  });

  it('a mid-file read that has taken PROBE_READ_ON_BYTES is a real read at once: the first piece missing brings the window', async () => {
    // A player back from an MP4's `moov` at the end: the pieces after the start are stored, it reads them at once.
    const stored = new Set([...Array(20).keys()].map((i) => 1 + i));
    const wanted: Array<{ indices: number[]; seek: boolean }> = [];
    const s: PieceSource = {
      async read(index) {
        return stored.has(index) ? new ArrayBuffer(LENGTH) : undefined;
      },
      want(indices, seek) {
        wanted.push({ indices, seek });
        for (const index of indices) stored.add(index);
      },
      pause: async () => undefined,
      now: () => 0, // no time passes: only the bytes read tell
    };
    const reader = fileResponse(big, 0, `bytes=${LENGTH}-`, false, s).body!.getReader();
    for (let i = 0; i < 21; i++) await reader.read();
    await reader.cancel();
    expect(20 * LENGTH).toBeGreaterThanOrEqual(PROBE_READ_ON_BYTES);
    expect(wanted).toEqual([{ indices: [...Array(WINDOW_PIECES).keys()].map((i) => 21 + i), seek: true }]);
  });

  it('a small range mid-file stays a probe however long it is read', async () => {
    const { s, wanted, advance } = swarm(1);
    const reader = fileResponse(
      big,
      0,
      `bytes=${10 * LENGTH}-${10 * LENGTH + PROBE_BYTES - 1}`,
      false,
      s,
    ).body!.getReader();
    await reader.read();
    advance(10 * PROBE_MS);
    await reader.read();
    expect((await reader.read()).done).toBe(true);
    expect(wanted.every((wish) => !wish.seek && wish.indices.length <= PROBE_PIECES)).toBe(true);
  });
});
