// Pieces the engine has just verified that a stream of this service worker waits for, as the engine broadcasts them
// (before they reach storage): a player starting or seeking waits for several pieces in turn, and each would
// otherwise wait for the store's next transaction and then for the stream's next look. Bounded by bytes; the
// oldest go first. A service worker that restarts starts empty, and the streams read storage.
import { isInfoHashHex } from '../../../../shared/codec/hex';

/** The channel the engine worker broadcasts on and the service worker listens to (same origin only). */
export const FRESH_PIECES_CHANNEL = 'swarmdrop-fresh-pieces';

/** Bytes of fresh pieces kept: a player's window of pieces ahead, twice. */
export const FRESH_PIECES_BYTES = 32 * 1024 * 1024;

/** What the engine broadcasts for a verified piece a stream waits for. */
export interface FreshPieceMessage {
  type: 'piece-verified';
  infoHashHex: string;
  index: number;
  data: ArrayBuffer;
}

/** The message if it is one (the channel is same-origin, but a message is still checked before it is kept). */
export function freshPieceMessage(message: unknown): FreshPieceMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, infoHashHex, index, data } = message as Partial<FreshPieceMessage>;
  if (type !== 'piece-verified' || !isInfoHashHex(infoHashHex)) return undefined;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return undefined;
  if (!(data instanceof ArrayBuffer)) return undefined;
  return { type, infoHashHex, index, data };
}

export class FreshPieces {
  /** In the order they came (the first is the oldest). */
  private readonly pieces = new Map<string, ArrayBuffer>();
  private bytes = 0;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly maxBytes = FRESH_PIECES_BYTES) {}

  /** Keeps a verified piece and wakes the streams that wait; false when the message is not one. */
  add(message: unknown): boolean {
    const piece = freshPieceMessage(message);
    if (!piece || piece.data.byteLength > this.maxBytes) return false;
    const key = `${piece.infoHashHex}:${piece.index}`;
    const old = this.pieces.get(key);
    if (old) {
      this.bytes -= old.byteLength;
      this.pieces.delete(key);
    }
    this.pieces.set(key, piece.data);
    this.bytes += piece.data.byteLength;
    for (const [oldest, data] of this.pieces) {
      if (this.bytes <= this.maxBytes) break;
      this.pieces.delete(oldest);
      this.bytes -= data.byteLength;
    }
    for (const wake of [...this.waiting]) wake();
    return true;
  }

  get(infoHashHex: string, index: number): ArrayBuffer | undefined {
    return this.pieces.get(`${infoHashHex}:${index}`);
  }

  /** Resolves after `ms`, or as soon as a piece comes, whichever is first. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiting.add(wake);
    });
  }

  get size(): { pieces: number; bytes: number } {
    return { pieces: this.pieces.size, bytes: this.bytes };
  }
}
