// A file of a torrent as an HTTP response, streamed piece by piece from storage: what the service worker answers
// for /files/<info hash>/<file index>/<name>. Pure of the service worker itself (it takes a piece source), so the
// range handling, the piece walk and the waiting for missing pieces are tested in Node.
import type { FileEntry } from '../../../shared/codec/metainfo';
import { contentTypeOf, parseRange, piecesOfRange } from '../lib/media/http-range';
import { safeFileName } from '../lib/files/safe-name';
import { PieceStream, type PieceSource } from './piece-stream';
import { ReadWindow } from './read-window';
import { servedHeaders, textResponse } from './served-headers';

export interface TorrentFiles {
  infoHashHex: string;
  pieceLength: number;
  pieceCount: number;
  files: FileEntry[];
}

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

/** The headers of a file's response: its type, its length, and for a range its place in the file. */
function fileHeaders(
  name: string,
  download: boolean,
  fileLength: number,
  wanted: Served,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...servedHeaders(download),
    'accept-ranges': 'bytes',
    'content-type': contentTypeOf(name),
    'cache-control': 'no-store',
  };
  if (download)
    headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(safeFileName(name))}`;
  headers['content-length'] = String(Math.max(0, wanted.end - wanted.start + 1));
  if (wanted.partial) headers['content-range'] = `bytes ${wanted.start}-${wanted.end}/${fileLength}`;
  return headers;
}

/** The bytes [start, end] of the file a response serves, and whether they are a range of it (206) or all of it. */
interface Served {
  start: number;
  end: number;
  partial: boolean;
}

/**
 * The response for one request of file `fileIndex`: 200 (whole), 206 (one range), 416 (past the end) or 404. The
 * body is a stream that pulls one piece at a time (piece-stream.ts), so memory stays at a piece whatever the file's
 * size, and a piece not verified yet is asked of the engine and waited for. `stored`: the torrent's whole data as
 * one Blob that no longer changes (a complete torrent's piece file); the body is then a slice of it, which the
 * browser reads from disk itself, and no piece passes through this worker's memory (a Save of a large file grew the
 * renderer by hundreds of MiB when every piece became an ArrayBuffer here).
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
  const wanted = parseRange(range, file.length);
  if (wanted.kind === 'unsatisfiable')
    return textResponse(416, 'range not satisfiable\n', { 'content-range': `bytes */${file.length}` });
  const served: Served =
    wanted.kind === 'partial'
      ? { start: wanted.start, end: wanted.end, partial: true }
      : { start: 0, end: file.length - 1, partial: false };
  const { start, end } = served;
  const headers = fileHeaders(file.path[file.path.length - 1], download, file.length, served);
  const status = served.partial ? 206 : 200;
  if (stored && file.length > 0 && stored.size >= file.offset + end + 1)
    return new Response(stored.slice(file.offset + start, file.offset + end + 1), { status, headers });
  if (file.length === 0) return new Response(null, { status, headers });
  const slices = piecesOfRange(file, start, end, torrent.pieceLength);
  const lastPiece = slices.length > 0 ? slices[slices.length - 1].index : 0;
  const window = new ReadWindow(
    { start, end, lastPiece, pieceLength: torrent.pieceLength },
    (indices, seek) => source.want(indices, seek),
    () => (source.now ? source.now() : performance.now()),
  );
  return new Response(PieceStream.of(slices, source, window), { status, headers });
}
