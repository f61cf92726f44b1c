// A file of a torrent as an HTTP response, streamed piece by piece from storage: what the service worker answers
// for /files/<info hash>/<file index>/<name>. Pure of the service worker itself (it takes a piece source), so the
// range handling, the piece walk and the waiting for missing pieces are tested in Node.
import type { FileEntry } from '../../../shared/codec/metainfo';
import { contentTypeOf, parseRange, piecesOfRange } from '../lib/http-range';
import { safeFileName } from '../lib/safe-name';

/** Where the pieces come from: storage, and the engine for those not verified yet. */
export interface PieceSource {
  /** A verified piece, or undefined when it is not stored yet. `last`: the last piece this stream reads (the source
   * may read the pieces up to it along with this one). */
  read(index: number, last: number): Promise<ArrayBuffer | undefined>;
  /**
   * Asks the engine to fetch these pieces first (the first is needed now); `seek`: forget earlier wishes (the first
   * window of a stream that starts mid-file and reads on: a real seek).
   */
  want(indices: number[], seek: boolean): void;
  /** Resolves after a moment, to look again for a piece that was missing. */
  pause(): Promise<void>;
  /** The stream still waits for this piece (after each pause). */
  waiting?(index: number): void;
  /** The time in ms (default `performance.now()`). */
  now?(): number;
}

export interface TorrentFiles {
  infoHashHex: string;
  pieceLength: number;
  pieceCount: number;
  files: FileEntry[];
}

/** Pieces asked for ahead of the one a stream needs: a player's window, at least WANT_AHEAD pieces and
 * WANT_AHEAD_BYTES (a player probing a file before it knows its duration reads megabytes in a row: an MP4's first
 * fragment, a WebM's first clusters). 1 MiB was too short a window: a player starting a 12 Mbit/s video read past it
 * in a fraction of a second, and each piece after it was asked only when the player reached it (about 70 ms each
 * from a seeder without a limit, while WebTorrent's stream had them on their way). The engine keeps 64 of a wish. */
export const WANT_AHEAD = 8;
export const WANT_AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * A read that starts mid-file is a probe until it shows it is a real read: a player reads headers across a file
 * before its first frame and drops each request after a few bytes (every fragment's `moof` of a fragmented MP4, one
 * read each; an index at the end). A probe asks for the pieces of its next PROBE_BYTES only and adds them to the
 * earlier wishes: it neither replaces nor cancels what the player needs to start. It turns into a seek (its window,
 * replacing the earlier wishes) once it is still read PROBE_MS after its first bytes went out. A range of at most
 * PROBE_BYTES is a probe to its end.
 */
export const PROBE_BYTES = 64 * 1024;
export const PROBE_MS = 500;
/** A mid-file read that has taken this much is a real read at once, however young (a player that read an MP4's
 * `moov` at the end and comes back to play: the pieces it finds stored go out at once, and the first one missing
 * must bring the window, not one probe's piece at a time). */
export const PROBE_READ_ON_BYTES = 4 * PROBE_BYTES;

/** At most this much goes out in one pull: the piece asked for and the stored pieces right after it. */
export const BUNDLE_BYTES = 1024 * 1024;

/** The URL under which the service worker serves a file (the name is for the browser's download and its type). */
export function fileUrl(infoHashHex: string, fileIndex: number, path: string, download = false): string {
  const name = encodeURIComponent(safeFileName(path.split('/').pop() ?? path));
  return `/files/${infoHashHex}/${fileIndex}/${name}${download ? '?download=1' : ''}`;
}

/** Reads `/files/<hash>/<index>/<name>`; null for any other path. */
export function parseFileUrl(pathname: string): { infoHashHex: string; fileIndex: number } | null {
  const match = /^\/files\/([0-9a-f]{40})\/(\d{1,9})\/[^/]*$/.exec(pathname);
  return match ? { infoHashHex: match[1], fileIndex: Number(match[2]) } : null;
}

function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

/**
 * The response for one request of file `fileIndex`: 200 (whole), 206 (one range), 416 (past the end) or 404. The
 * body is a stream that pulls one piece at a time, so memory stays at a piece whatever the file's size, and a
 * piece not verified yet is asked of the engine and waited for. `stored`: the torrent's whole data as one Blob
 * that no longer changes (a complete torrent's piece file); the body is then a slice of it, which the browser reads
 * from disk itself, and no piece passes through this worker's memory (a Save of a large file grew the renderer
 * by hundreds of MiB when every piece became an ArrayBuffer here: issue 25).
 */
export function fileResponse(
  torrent: TorrentFiles,
  fileIndex: number,
  range: string | null,
  download: boolean,
  source: PieceSource,
  stored?: Blob,
): Response {
  const file = torrent.files[fileIndex];
  if (!file) return textResponse(404, 'no such file in this torrent\n');
  const name = file.path[file.path.length - 1];
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    'content-type': contentTypeOf(name),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (download)
    headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(safeFileName(name))}`;
  const wanted = parseRange(range, file.length);
  if (wanted.kind === 'unsatisfiable')
    return textResponse(416, 'range not satisfiable\n', { 'content-range': `bytes */${file.length}` });
  const [start, end] = wanted.kind === 'partial' ? [wanted.start, wanted.end] : [0, file.length - 1];
  headers['content-length'] = String(Math.max(0, end - start + 1));
  if (wanted.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${file.length}`;
  const status = wanted.kind === 'partial' ? 206 : 200;
  if (stored && file.length > 0 && stored.size >= file.offset + end + 1)
    return new Response(stored.slice(file.offset + start, file.offset + end + 1), { status, headers });
  const slices = piecesOfRange(file, start, end, torrent.pieceLength);
  const lastPiece = slices.length > 0 ? slices[slices.length - 1].index : 0;
  const now = () => (source.now ? source.now() : performance.now());
  let next = 0;
  /** A mid-file read that has not asked for its window yet (see PROBE_BYTES), and when its first bytes went out. */
  let probing = start > 0;
  let firstOutAt: number | undefined;
  /** Bytes the reader has taken (see the pull), and bytes enqueued. */
  let outBytes = 0;
  let enqueuedBytes = 0;
  const smallRange = end - start + 1 <= PROBE_BYTES;
  /** Still a probe: a small range, or a mid-file read not yet read on for PROBE_MS nor for PROBE_READ_ON_BYTES. */
  const isProbe = () =>
    probing &&
    (smallRange ||
      ((firstOutAt === undefined || now() - firstOutAt < PROBE_MS) && outBytes < PROBE_READ_ON_BYTES));
  /** Asks for `index` and what comes after it: a probe's next PROBE_BYTES, or else the window. The window stops at
   * the range's end: an index read at the end of the file (an MP4's `moov`, a WebM's cues) asks for its own pieces
   * only, not for those of the next file. The first window of a mid-file read is a seek. */
  const wish = (index: number) => {
    const probe = isProbe();
    const count = probe
      ? Math.ceil(PROBE_BYTES / torrent.pieceLength)
      : 1 + Math.max(WANT_AHEAD, Math.ceil(WANT_AHEAD_BYTES / torrent.pieceLength));
    const ahead = [];
    for (let i = index; i < Math.min(lastPiece + 1, index + count); i++) ahead.push(i);
    source.want(ahead, !probe && probing);
    if (!probe) probing = false;
  };
  /** The reader went away (a player that seeks drops its request): the stream stops looking for its piece. */
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Every byte enqueued before this pull was taken: the reader asks for more only with the queue empty.
        outBytes = enqueuedBytes;
        const slice = slices[next++];
        if (!slice) {
          controller.close();
          return;
        }
        let data = await source.read(slice.index, lastPiece);
        if (!data) {
          // Not verified yet: ask for it and what comes after it, first.
          wish(slice.index);
          while (!(data = await source.read(slice.index, lastPiece))) {
            await source.pause();
            if (cancelled) return;
            source.waiting?.(slice.index);
            // A probe read on long enough is a seek: its window now, in place of the earlier wishes.
            if (probing && !isProbe()) wish(slice.index);
          }
        }
        if (cancelled) return;
        firstOutAt ??= now();
        controller.enqueue(new Uint8Array(data, slice.from, slice.to - slice.from));
        enqueuedBytes += slice.to - slice.from;
        // The pieces right after it that are here already go with it, up to BUNDLE_BYTES: a player starting reads a
        // megabyte or more in a row, and a pull per piece costs a round trip to the reader each.
        let bundled = slice.to - slice.from;
        while (bundled < BUNDLE_BYTES && next < slices.length) {
          const following = slices[next];
          const more = await source.read(following.index, lastPiece);
          if (!more || cancelled) break;
          next++;
          controller.enqueue(new Uint8Array(more, following.from, following.to - following.from));
          enqueuedBytes += following.to - following.from;
          bundled += following.to - following.from;
        }
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(file.length === 0 ? null : body, { status, headers });
}
