// The body of a file response: a stream that pulls one piece at a time from a piece source, so memory stays at a
// piece whatever the file's size, and that asks the engine for a piece not verified yet and waits for it.
import type { PieceSlice } from '../lib/media/http-range';
import type { ReadWindow } from './read-window';

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

/** At most this much goes out in one pull: the piece asked for and the stored pieces right after it. */
export const BUNDLE_BYTES = 1024 * 1024;

export class PieceStream implements UnderlyingDefaultSource<Uint8Array> {
  private next = 0;
  /** Bytes enqueued: the reader asks for more only with the queue empty, so all of them are taken at a pull. */
  private enqueuedBytes = 0;
  /** The reader went away (a player that seeks drops its request): the stream stops looking for its piece. */
  private cancelled = false;
  /** The last piece the stream reads (the source may read the pieces up to it along with the one asked for). */
  private readonly lastPiece: number;

  /** `window` decides which pieces are asked for when one is missing. */
  constructor(
    private readonly slices: PieceSlice[],
    private readonly source: PieceSource,
    private readonly window: ReadWindow,
  ) {
    this.lastPiece = window.lastPiece;
  }

  /** A stream of the slices' bytes, pulled as its reader reads. */
  static of(slices: PieceSlice[], source: PieceSource, window: ReadWindow): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(new PieceStream(slices, source, window), { highWaterMark: 0 });
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    try {
      await this.give(controller);
    } catch (error) {
      // A reader that went away (a player that seeks drops its request) asks nothing more: a read that failed
      // meanwhile is nobody's error, and erroring a stream the browser cancelled makes Firefox report the request's
      // interception as failed. A reader still there is told the stream failed.
      if (!this.cancelled) controller.error(error);
    }
  }

  /** The next piece asked for, and those stored right after it. */
  private async give(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    this.window.took(this.enqueuedBytes);
    const slice = this.slices[this.next++];
    if (!slice) {
      controller.close();
      return;
    }
    const data = (await this.source.read(slice.index, this.lastPiece)) ?? (await this.waitFor(slice.index));
    if (!data || this.cancelled) return;
    this.window.sent();
    this.enqueue(controller, slice, data);
    await this.bundle(controller, slice.to - slice.from);
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** A piece not verified yet: asks for it and what comes after it, first, and looks again after each pause. */
  private async waitFor(index: number): Promise<ArrayBuffer | undefined> {
    this.window.wish(index);
    let data: ArrayBuffer | undefined;
    while (!(data = await this.source.read(index, this.lastPiece))) {
      await this.source.pause();
      if (this.cancelled) return undefined;
      this.source.waiting?.(index);
      // A probe read on long enough is a seek: its window now, in place of the earlier wishes.
      if (this.window.readOn()) this.window.wish(index);
    }
    return data;
  }

  /** The pieces right after the one sent that are here already go with it, up to BUNDLE_BYTES: a player starting
   * reads a megabyte or more in a row, and a pull per piece costs a round trip to the reader each. */
  private async bundle(controller: ReadableStreamDefaultController<Uint8Array>, sent: number): Promise<void> {
    let bundled = sent;
    while (bundled < BUNDLE_BYTES && this.next < this.slices.length) {
      const following = this.slices[this.next];
      const more = await this.source.read(following.index, this.lastPiece);
      if (!more || this.cancelled) break;
      this.next++;
      this.enqueue(controller, following, more);
      bundled += following.to - following.from;
    }
  }

  private enqueue(
    controller: ReadableStreamDefaultController<Uint8Array>,
    slice: PieceSlice,
    data: ArrayBuffer,
  ) {
    controller.enqueue(new Uint8Array(data, slice.from, slice.to - slice.from));
    this.enqueuedBytes += slice.to - slice.from;
  }
}
