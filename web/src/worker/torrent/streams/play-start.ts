// What a player needs first when `Play` is pressed, asked of the engine at the click rather than when the service
// worker's first read finds the pieces missing (the player's request, the service worker's reads of storage: 50 to
// 300 ms later). A player reads the start of the file, and for many files its end too at once: an MP4's `moov` at the
// end (ffmpeg's default, most phone recordings), a WebM's or Matroska's cues, an MP3's ID3v1 tag. Streaming torrent
// clients have long fetched a file's first and last pieces first for this reason; these wishes then steer as the
// service worker's do (piece deadlines, the first one urgent), and its own wishes follow as it reads.

import { contentTypeOf } from '../../../lib/media/http-range';

/** Bytes from the start of the file asked at the click (the service worker's first read asks for more). */
export const START_BYTES = 1024 * 1024;
/** Bytes at the end of the file asked at the click, right after its first piece (an index, or the end of one). */
export const TAIL_BYTES = 256 * 1024;

export interface PlayedFile {
  /** Byte offset of the file in the torrent, and its length. */
  offset: number;
  length: number;
  /** Its path in the torrent: its name tells the container (see `endAfterStart`). */
  path?: readonly string[];
}

/** The file's own name (the last part of its path), or '' when it has none. */
export function fileName(file: { path?: readonly string[] }): string {
  return file.path?.[file.path.length - 1] ?? '';
}

/** The pieces holding the last TAIL_BYTES of `file` (all of it when shorter), in order. None for an empty file. */
export function tailPieces(file: PlayedFile, pieceLength: number): number[] {
  if (!(file.length > 0) || !(pieceLength > 0)) return [];
  const first = Math.floor((file.offset + Math.max(0, file.length - TAIL_BYTES)) / pieceLength);
  const last = Math.floor((file.offset + file.length - 1) / pieceLength);
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}

/**
 * Whether a player reads the end of the file named `name` only to seek: a WebM's or Matroska's cues (ffmpeg writes
 * them last). Chromium read a WebM's cues at its first seek, never before its first frame (the bench's logged reads),
 * and each piece of the end fetched ahead of the start delayed the first clusters while the seeder's upload was
 * still ramping up. An MP4's `moov` at the end is read before anything plays: its end comes first.
 */
export function endAfterStart(name: string): boolean {
  return /^(video|audio)\/(webm|x-matroska)$/.test(contentTypeOf(name));
}

/**
 * The pieces to ask for when a player starts `file`, in the order they are needed: the first piece, the pieces of the
 * last TAIL_BYTES, then the rest of the first `startBytes` (the end after the start for a file whose name says
 * `endAfterStart`). None for an empty file.
 */
export function playStartPieces(file: PlayedFile, pieceLength: number, startBytes = START_BYTES): number[] {
  if (!(file.length > 0) || !(pieceLength > 0)) return [];
  const pieceAt = (byte: number) => Math.floor((file.offset + byte) / pieceLength);
  const first = pieceAt(0);
  const startEnd = pieceAt(Math.min(file.length, startBytes) - 1);
  const end = tailPieces(file, pieceLength).filter((index) => index > startEnd);
  const start: number[] = [];
  for (let index = first + 1; index <= startEnd; index++) start.push(index);
  return endAfterStart(fileName(file)) ? [first, ...start, ...end] : [first, ...end, ...start];
}

/** Bytes of each playable file's start among the early pieces: more than Play asks at its click (START_BYTES), since
 * a player's first frame of a 12 Mbit/s video reads about 1.5 MiB (a WebM's first clusters, an MP4's first samples),
 * and pieces past the early ones would come rarest first, behind a pipeline of others (0.1 to 0.3 s in the bench's
 * logs); 4 MiB is 2.7 s of such a video, half a minute of a 1 Mbit/s one. */
export const EARLY_START_BYTES = 4 * 1024 * 1024;
/** Playable files whose first and last pieces are fetched first as a download starts (in info order). */
export const EARLY_FILES = 4;

/** A file of the torrent as the engine's info has it. */
export interface TorrentFile extends PlayedFile {
  path: string[];
  pad?: boolean;
}

/**
 * The torrent's early pieces (the engine's 'early-pieces'): what `Play` would ask first (`playStartPieces`, with
 * EARLY_START_BYTES of the start) for each of its first EARLY_FILES video and audio files, by extension. Fetched before the rest from the start of the
 * download, so that `Play` pressed soon after the link was opened finds them stored or on their way, instead of
 * queued at the seeder behind blocks of other pieces (WebTorrent's stream starts fast for the same reason: it
 * fetches every torrent in order from its first piece). At most 4 MiB and 256 KiB per file: the rest goes rarest first.
 */
export function earlyPieces(files: readonly TorrentFile[], pieceLength: number): number[] {
  const media = files
    .filter((file) => !file.pad && /^(video|audio)\//.test(contentTypeOf(fileName(file))))
    .slice(0, EARLY_FILES);
  return [...new Set(media.flatMap((file) => playStartPieces(file, pieceLength, EARLY_START_BYTES)))];
}
