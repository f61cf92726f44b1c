// HTTP byte ranges (RFC 9110 §14) for the files the service worker serves: one range per request (a request for
// several is answered whole, which the RFC allows), and where a range falls in the torrent's pieces.

export type RangeResult =
  /** No usable Range header: the whole file, 200. */
  | { kind: 'whole' }
  /** Bytes [start, end] (inclusive, as in Content-Range), 206. */
  | { kind: 'partial'; start: number; end: number }
  /** Nothing of the range is in the file: 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/** Reads a Range header against a file of `size` bytes. */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return { kind: 'whole' };
  const match = SINGLE.exec(header.trim());
  if (!match) return { kind: 'whole' }; // several ranges, or another unit: ignored
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  return first === '' ? suffixRange(Number(last), size) : openRange(first, last, size);
}

/** `bytes=-N`: the last N bytes. */
function suffixRange(suffix: number, size: number): RangeResult {
  if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
}

/** `bytes=S-E` or `bytes=S-`: from byte S to byte E, or to the end. */
function openRange(first: string, last: string, size: number): RangeResult {
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(end) || end < start) return { kind: 'whole' }; // invalid: ignored
  return { kind: 'partial', start, end };
}

/** One piece's share of a byte range: bytes [from, to) of piece `index`. */
export interface PieceSlice {
  index: number;
  from: number;
  to: number;
}

/** The pieces that hold bytes [start, end] (inclusive) of a file at `offset` in the torrent, in order. */
export function piecesOfRange(
  file: { offset: number; length: number },
  start: number,
  end: number,
  pieceLength: number,
): PieceSlice[] {
  if (file.length === 0 || end < start) return [];
  if (start < 0 || end >= file.length)
    throw new RangeError(`bytes ${start}-${end} outside a file of ${file.length}`);
  const slices: PieceSlice[] = [];
  let at = file.offset + start;
  const stop = file.offset + end + 1;
  while (at < stop) {
    const index = Math.floor(at / pieceLength);
    const pieceEnd = Math.min((index + 1) * pieceLength, stop);
    slices.push({ index, from: at - index * pieceLength, to: pieceEnd - index * pieceLength });
    at = pieceEnd;
  }
  return slices;
}

const MEDIA_TYPES: Record<string, string> = {
  webm: 'video/webm',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  m4b: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  weba: 'audio/webm',
  txt: 'text/plain; charset=utf-8',
  html: 'text/plain; charset=utf-8', // never rendered as a page of the app's origin
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  // Shown only in an `<img>`, where it runs nothing; any other request gets it as a download (sw.ts).
  svg: 'image/svg+xml',
  zip: 'application/zip',
};

/** A Content-Type from the file's extension (anything unknown, and anything that could run as a page, is bytes). */
export function contentTypeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  const extension = dot >= 0 ? path.slice(dot + 1).toLowerCase() : '';
  return MEDIA_TYPES[extension] ?? 'application/octet-stream';
}

/** Whether the file is an image the page shows (`Open <path>`), by its extension's type. */
export function isImage(path: string): boolean {
  return contentTypeOf(path).startsWith('image/');
}

const plays = new Map<string, boolean>();

/** The browser's `canPlayType` for a type, asked once (each list of files rendered asked it again for every file,
 * through a new media element each time). */
export function browserPlays(kind: 'video' | 'audio', type: string): boolean {
  const key = `${kind} ${type}`;
  let answer = plays.get(key);
  if (answer === undefined) plays.set(key, (answer = document.createElement(kind).canPlayType(type) !== ''));
  return answer;
}

/** Whether this browser can play the file, and as what: by its extension's type and `canPlayType`. */
export function playableKind(
  path: string,
  canPlay: (kind: 'video' | 'audio', type: string) => boolean,
): 'video' | 'audio' | null {
  const type = contentTypeOf(path);
  const kind = type.startsWith('video/') ? 'video' : type.startsWith('audio/') ? 'audio' : null;
  if (!kind) return null;
  const alike = PLAYS_AS[type];
  return canPlay(kind, type) || (alike !== undefined && canPlay(kind, alike)) ? kind : null;
}

/**
 * A type whose files a browser plays when it plays this other one, though `canPlayType` denies it: Chromium plays a
 * QuickTime movie (a camera's or an older phone's `.mov`) whose codecs it plays in MP4, and answers '' for its type.
 */
const PLAYS_AS: Record<string, string> = { 'video/quicktime': 'video/mp4' };
