// How large a torrent may be, in any version (v1, v2-only, hybrid): the one place that says how many bytes its info
// dictionary may take, how many pieces it may name and how long a piece may be. Every reader of an info dictionary
// checks these before it builds anything per piece (the picker, bitfields, verified-piece maps and piece layers are
// all sized from the piece count), so a few hundred bytes of metadata cannot make a tab allocate without end.
//
// Why these values: a v1 info dictionary carries 20 bytes of SHA-1 per piece, so one of MAX_INFO_BYTES (what a peer
// may send us by ut_metadata, BEP 9) names at most MAX_PIECES pieces. A v2 dictionary carries no per-piece hash (the
// piece layers travel beside it), so its file tree alone could name 2^36 pieces in 160 bytes: it is held to the same
// MAX_PIECES, and a torrent's version never changes what the engine holds per piece. With pieces of at most
// MAX_PARSED_PIECE_LENGTH, no torrent is over MAX_TORRENT_LENGTH bytes, nor any of its files.
import { MAX_METADATA_SIZE } from './extension';
import { MetainfoError } from './metainfo-files';

/** The largest info dictionary read, in any version: the most a peer may send by ut_metadata. */
export const MAX_INFO_BYTES = MAX_METADATA_SIZE;
/** Bytes of one v1 piece hash (SHA-1). */
const V1_HASH_BYTES = 20;
/** Pieces a torrent may name, in any version: the hashes a v1 info dictionary of MAX_INFO_BYTES holds (419,430). */
export const MAX_PIECES = Math.floor(MAX_INFO_BYTES / V1_HASH_BYTES);
/** Largest piece length a parsed torrent may declare (a piece is held in memory while it is verified). */
export const MAX_PARSED_PIECE_LENGTH = 64 * 1024 * 1024;

/** Bytes a torrent may hold, all files together, in any version: MAX_PIECES pieces of the largest length (about 25.6 TiB). */
export const MAX_TORRENT_LENGTH = MAX_PIECES * MAX_PARSED_PIECE_LENGTH;

/** A valid torrent this app does not take: its size is over a bound above. Its message is for the user. */
export class TorrentTooLargeError extends MetainfoError {
  override name = 'TorrentTooLargeError';
}

const count = (value: number): string => value.toLocaleString('en-US');

/** Throws unless an info dictionary's bytes are within MAX_INFO_BYTES (checked before they are decoded). */
export function checkInfoBytes(size: number): void {
  if (size > MAX_INFO_BYTES) {
    throw new TorrentTooLargeError(
      `This torrent is too large for this app: its description takes ${count(size)} bytes, and the most it takes is ${count(MAX_INFO_BYTES)}`,
    );
  }
}

/** Throws unless a torrent of `pieces` pieces is within MAX_PIECES (and so within MAX_TORRENT_LENGTH, its pieces
 * being at most MAX_PARSED_PIECE_LENGTH long). */
export function checkPieceCount(pieces: number): void {
  if (!(pieces <= MAX_PIECES)) {
    throw new TorrentTooLargeError(
      `This torrent is too large for this app: it is split into ${count(pieces)} pieces, and the most it takes is ${count(MAX_PIECES)}`,
    );
  }
}
