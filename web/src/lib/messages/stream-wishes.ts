// What a stream of the service worker waits for (a player starting or seeking, a save), told to the engine worker
// straight on a BroadcastChannel: no page in between (a relay through the window clients, `clients.matchAll`, and
// each page's engine worker cost 20 to 80 ms per wish while a player waited for its first frame,
// docs/performance.md). Every engine worker of the origin hears it; the one that has the
// torrent acts on it. The channel is same-origin, but a message is still checked before anything acts on it.
import { isInfoHashHex } from '../../../../shared/codec/hex';

/** The channel the service worker posts wishes on and the engine worker listens to. */
export const STREAM_WISHES_CHANNEL = 'swarmdrop-stream-wishes';

/**
 * Pieces one wish names at most (the engine keeps fewer: MAX_WANTED_PIECES,
 * worker/torrent/streams/stream-deadlines.ts).
 */
export const MAX_WISH_PIECES = 64;

/** A stream needs these pieces first, the first now; `seek` drops the earlier wishes; `behind`: see StreamWisher. */
export interface StreamWish {
  type: 'want-pieces';
  infoHashHex: string;
  pieces: number[];
  seek: boolean;
  behind?: true;
}

/** The wish if the message is one, its pieces cut to whole non-negative numbers, MAX_WISH_PIECES at most. */
export function streamWish(message: unknown): StreamWish | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, infoHashHex, pieces, seek, behind } = message as Partial<Record<keyof StreamWish, unknown>>;
  if (type !== 'want-pieces' || !isInfoHashHex(infoHashHex)) return undefined;
  if (!Array.isArray(pieces)) return undefined;
  const kept: number[] = [];
  for (const piece of pieces.slice(0, MAX_WISH_PIECES))
    if (typeof piece === 'number' && Number.isInteger(piece) && piece >= 0) kept.push(piece);
  if (kept.length === 0) return undefined;
  const wish: StreamWish = { type, infoHashHex, pieces: kept, seek: seek === true };
  if (behind === true) wish.behind = true;
  return wish;
}

/** A stream that a newer one of its file superseded, still waiting this long (ms) for a piece: it asks for it. */
export const BEHIND_AFTER_MS = 500;

/**
 * The newest stream still waiting this long (ms) for one piece asks for it again, and again after as long. A seek the
 * page reports drops the wishes far from the new playhead (the engine's streaming.ts), yet Chromium's demuxer first
 * finishes the read it is blocked in, before it makes any request for the seek: the stream blocked there is then
 * still the newest, and without asking again it would wait for a piece no one fetches (over a slow path, where a
 * seek often comes while the player waits, the player never played again).
 */
export const REASK_AFTER_MS = 1000;

/**
 * What one stream of the service worker asks the engine for (sw.ts). The newest stream of a file steers: its window,
 * and a seek's. An older one (the request a seek left behind) does not, since a player may keep reading it for a
 * while; but one that still waits for a piece BEHIND_AFTER_MS after it was superseded asks for that piece alone,
 * once, as `behind` (the engine fetches it soon, without the urgency of the newest's:
 * worker/torrent/streams/stream-deadlines.ts): a player can be held in a read of it before it reads anything for the
 * seek, and a seek to 80 % once waited 4.4 s for the piece its old request was blocked on, the newest's wishes having
 * replaced it (docs/performance.md).
 */
export class StreamWisher {
  private supersededAt: number | undefined;
  private askedBehind: number | undefined;
  /** The piece the newest stream waits for, and when it began waiting or last asked for it again. */
  private waitingFor: { index: number; since: number } | undefined;

  constructor(
    private readonly infoHashHex: string,
    private readonly post: (wish: StreamWish) => void,
  ) {}

  /** The stream needs `pieces` (the first now); `newest`: it is its file's newest stream. */
  want(pieces: number[], seek: boolean, newest: boolean): void {
    if (newest) this.post({ type: 'want-pieces', infoHashHex: this.infoHashHex, pieces, seek });
  }

  /** The stream still waits for `index` at `now` (ms). */
  waiting(index: number, newest: boolean, now: number): void {
    if (newest) {
      this.supersededAt = undefined;
      this.askAgain(index, now);
      return;
    }
    this.supersededAt ??= now;
    if (now - this.supersededAt < BEHIND_AFTER_MS || this.askedBehind === index) return;
    this.askedBehind = index;
    this.post({
      type: 'want-pieces',
      infoHashHex: this.infoHashHex,
      pieces: [index],
      seek: false,
      behind: true,
    });
  }

  /** The newest stream still waits for `index`: asked again once it has waited REASK_AFTER_MS. */
  private askAgain(index: number, now: number): void {
    if (this.waitingFor?.index !== index) {
      this.waitingFor = { index, since: now };
      return;
    }
    if (now - this.waitingFor.since < REASK_AFTER_MS) return;
    this.waitingFor.since = now;
    this.post({ type: 'want-pieces', infoHashHex: this.infoHashHex, pieces: [index], seek: false });
  }
}
