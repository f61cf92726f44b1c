// What a stream of the service worker waits for (a player starting or seeking, a save), told to the engine worker
// straight on a BroadcastChannel: no page in between. Before, the service worker found the window clients
// (`clients.matchAll`) and each page relayed the wish to its engine worker, 20 to 80 ms per wish while a player
// waited for its first frame (docs/performance.md). Every engine worker of the origin hears it; the one that has the
// torrent acts on it. The channel is same-origin, but a message is still checked before anything acts on it.
import { isInfoHashHex } from '../../../shared/hex';

/** The channel the service worker posts wishes on and the engine worker listens to. */
export const STREAM_WISHES_CHANNEL = 'swarmdrop-stream-wishes';

/** Pieces one wish names at most (the engine keeps fewer: torrent-host.ts). */
export const MAX_WISH_PIECES = 64;

/** A stream needs these pieces first, the first now; `seek` drops the earlier wishes. */
export interface StreamWish {
  type: 'want-pieces';
  infoHashHex: string;
  pieces: number[];
  seek: boolean;
}

/** The wish if the message is one, its pieces cut to whole non-negative numbers, MAX_WISH_PIECES at most. */
export function streamWish(message: unknown): StreamWish | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, infoHashHex, pieces, seek } = message as Partial<Record<keyof StreamWish, unknown>>;
  if (type !== 'want-pieces' || !isInfoHashHex(infoHashHex)) return undefined;
  if (!Array.isArray(pieces)) return undefined;
  const kept: number[] = [];
  for (const piece of pieces.slice(0, MAX_WISH_PIECES))
    if (typeof piece === 'number' && Number.isInteger(piece) && piece >= 0) kept.push(piece);
  if (kept.length === 0) return undefined;
  return { type, infoHashHex, pieces: kept, seek: seek === true };
}
