// Everything that decides which pieces a playing file needs, in one place: the early pieces of a download's playable
// files, Play's start and end at the click, a played MP4's fragment headers, the service worker's wishes (piece
// deadlines), and the player's playhead (the engine's playback window). A piece a stream waits for goes to the
// service worker as soon as it is verified, and hurries the writer that stores it.
import type { EngineEvent } from '../../../../../shared/engine/contract/engine-types';
import type { VerifiedView } from '../../../../../shared/engine/verify/verified-pieces';
import type { TorrentInfo } from '../../../../../shared/codec/metainfo';
import type { PlaybackPosition } from '../../../lib/messages/actions';
import { contentTypeOf } from '../../../lib/media/http-range';
import type { BatchWriter } from '../../storage/batch-writer';
import { FragmentWatch } from './fragment-watch';
import { earlyPieces, fileName, playStartPieces } from './play-start';
import { behindDeadlines, fragmentDeadlines, MAX_WANTED_PIECES, streamDeadlines } from './stream-deadlines';

/** Pieces streams wait for that are remembered (their storing hurries the writer). */
export const MAX_AWAITED_PIECES = 2 * MAX_WANTED_PIECES;

/** A piece a stream waits for, handed to the service worker, is in the stored map (and the page's count) within this
 * long of the previous transaction: soon, with one flush for the pieces that came meanwhile. */
export const GIVEN_PIECE_STORE_MS = 50;

type Deadline = { index: number; at: number };

export interface SteeringPorts {
  /** An event for the torrent's session. */
  feed(event: EngineEvent): void;
  clock(): number;
  writer: Pick<BatchWriter, 'hurry' | 'soon'>;
  info(): TorrentInfo | undefined;
  verified(): VerifiedView | undefined;
  readPieces(indices: number[]): Promise<ArrayBuffer[]>;
  /** A private share's files lie over its records: its service worker's wishes steer alone. */
  isPrivate(): boolean;
  /** Play's wishes went out: the service worker may be told of the torrent before the player asks. */
  playStarted(): void;
  /** Hands a verified piece a stream waits for to the service worker, before it is stored. */
  pieceForStream?: (index: number, data: ArrayBuffer) => void;
}

/** What players and streams tell the steering: the pieces a stream needs, a playhead, a `Play` pressed. */
export type StreamIntents = Pick<StreamSteering, 'want' | 'playback' | 'playStarting'>;

export class StreamSteering {
  /** Pieces a stream of the service worker waits for (`want`), at most MAX_AWAITED_PIECES. */
  private readonly awaited = new Set<number>();
  /** Early pieces not verified yet (play-start.ts `earlyPieces`): each goes to the service worker once verified. */
  private early = new Set<number>();
  /** Pieces handed to the store whose write has not landed yet. */
  private readonly storing = new Set<number>();
  private fragments: FragmentWatch | undefined;

  constructor(private readonly ports: SteeringPorts) {}

  /** The session is told the start and end of the playable files first (none for a private share: its files lie
   * over its records). None left (a complete torrent, or no playable file): nothing to tell. */
  earlyPieces(info: TorrentInfo, isPrivate: boolean): void {
    const verified = this.ports.verified();
    const early = isPrivate ? [] : earlyPieces(info.files, info.pieceLength).filter((i) => !verified?.get(i));
    this.early = new Set(early);
    if (early.length > 0) this.ports.feed({ type: 'early-pieces', pieces: early });
  }

  /**
   * A stream needs these pieces: deadlines from now, the first soonest (the engine fetches them first, from the
   * fastest peers, and asks a second peer for a piece past its deadline). At most a window's worth is taken.
   * `behind`: a superseded stream's piece (lib/messages/stream-wishes.ts): one, not urgent at once.
   */
  want(pieces: number[], seek: boolean, behind = false): void {
    const count = this.ports.info()?.pieceCount ?? 0;
    const now = this.ports.clock();
    this.wish(behind ? behindDeadlines(pieces, count, now) : streamDeadlines(pieces, count, now), seek);
  }

  /** `Play` was pressed on file `fileIndex`: its first pieces and its last are wished at once, before the player's
   * first read (play-start.ts); an MP4's fragments are looked for. */
  playStarting(fileIndex: number): void {
    const info = this.ports.info();
    const file = info?.files[fileIndex];
    if (!file || !info || this.ports.isPrivate()) return;
    this.want(playStartPieces(file, info.pieceLength), false);
    this.fragments?.stop();
    this.fragments = undefined;
    if (/^(video|audio)\/(mp4|quicktime)$/.test(contentTypeOf(fileName(file)))) {
      this.fragments = new FragmentWatch(file, info.pieceLength, {
        verified: (index) => this.ports.verified()?.get(index) === true,
        readPieces: (indices) => this.ports.readPieces(indices),
        wish: (batch) => this.wish(fragmentDeadlines(batch, info.pieceCount, this.ports.clock()), false),
      });
    }
    this.ports.playStarted();
  }

  /**
   * A player of file `fileIndex` is at `position` (null: it closed). Its time over the media's duration places the
   * playhead in the file's bytes, and the file's length over the duration is its bitrate: the engine fetches the
   * pieces from there over several seconds of media first (the playback window), and a jump out of it is a seek.
   * Before the duration is known the playhead cannot be placed: the service worker's wishes steer alone.
   */
  playback(fileIndex: number, position: PlaybackPosition | null): void {
    const file = this.ports.info()?.files[fileIndex];
    if (!file || file.length === 0) return;
    if (!position) {
      this.stopFragments();
      this.ports.feed({ type: 'playback-stopped' });
      return;
    }
    const { time, duration, paused } = position;
    if (!(duration > 0) || !Number.isFinite(duration)) return;
    // The player has its metadata: it walked the fragments already (or needed no walk). Their header pieces still
    // wished would move the playback window to them (a stream's urgent wish is a read).
    this.stopFragments();
    const at = Math.min(file.length - 1, Math.floor((Math.min(time, duration) / duration) * file.length));
    this.ports.feed({
      type: 'playhead',
      file: fileIndex,
      position: at,
      bytesPerSecond: file.length / duration,
      paused,
    });
  }

  /**
   * Piece `index` was verified (its bytes `data`, on their way to the store). A piece a stream waits for goes to the
   * service worker now. An early piece goes to it too: a player that starts soon reads it there (the service
   * worker's reads of the piece file cost milliseconds a piece while the file is being written). Given to it so, it
   * is counted in the stored map within GIVEN_PIECE_STORE_MS: a transaction started for each flushed the piece file
   * (5 to 60 ms of the worker's time, in a trace of a player's start: one per piece it waited for); without that
   * channel it is counted at once. `firstPiece`: none has been shown yet; it lands at once too, so that the user
   * sees the download begin, not the writer's spacing after the metadata's own write.
   */
  pieceVerified(index: number, data: ArrayBuffer, firstPiece: boolean): void {
    const awaited = this.awaited.delete(index);
    const early = this.early.delete(index);
    const give = this.ports.pieceForStream;
    const given = (awaited || early) && give !== undefined;
    this.fragments?.pieceVerified(index, data);
    if (given) give(index, data);
    const first = firstPiece && this.storing.size === 0;
    if ((awaited && !given) || first) this.ports.writer.hurry();
    else if (awaited) this.ports.writer.soon(GIVEN_PIECE_STORE_MS);
    this.storing.add(index);
  }

  /** Piece `index`'s write ended (stored, or failed). */
  pieceLanded(index: number): void {
    this.storing.delete(index);
  }

  /** Pieces wished by these deadlines (`seek`: instead of the earlier wishes); each goes to the service worker as
   * soon as it is verified. */
  private wish(deadlines: Deadline[], seek: boolean): void {
    if (deadlines.length > 0) this.ports.feed({ type: 'piece-deadlines', deadlines, replace: seek });
    if (seek) this.awaited.clear();
    let hurry = false;
    for (const { index } of deadlines) {
      this.awaited.add(index);
      hurry ||= this.storing.has(index);
    }
    // A piece verified and on its way to the store already: counted in the map at once.
    if (hurry) this.ports.writer.hurry();
    // Bounded: the oldest wishes go first (a piece stored since has left already).
    for (const index of this.awaited) {
      if (this.awaited.size <= MAX_AWAITED_PIECES) break;
      this.awaited.delete(index);
    }
  }

  private stopFragments(): void {
    this.fragments?.stop();
    this.fragments = undefined;
  }
}
