// Test helper: a server's sending rate, shared by every answer it is sending (a link or a host's limit, not one
// connection's), for the range server's paced mode. Each chunk of an answer takes the next free slot of the shared
// rate, so answers in flight together share it in turns and their sum stays within it. Timers fire late (by a
// millisecond, or many on a loaded machine), so a sender behind its schedule may catch up by CATCH_UP_MS of the rate:
// the rate over any longer span holds, where a schedule that never caught up would send well below it.
import type { ServerResponse } from 'node:http';

/** Bytes written to the socket at a time. */
export const PACE_CHUNK_BYTES = 64 * 1024;
/** How far behind its schedule the rate may catch up (ms): also the largest burst after an idle spell. */
export const CATCH_UP_MS = 20;

export class Pacer {
  /** When the rate is next free (ms, on `now`'s clock). */
  private nextFree = 0;

  constructor(
    readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError('a pace needs a positive rate');
  }

  /** Reserves the rate for `bytes`: the ms to wait before sending them. */
  reserve(bytes: number): number {
    const now = this.now();
    const start = Math.max(now - CATCH_UP_MS, this.nextFree);
    this.nextFree = start + (bytes / this.bytesPerSecond) * 1000;
    return Math.max(0, start - now);
  }
}

/** Writes `body` to `response` in chunks at the pacer's rate, waiting for the socket when it is full; ends it. */
export async function sendPaced(response: ServerResponse, body: Uint8Array, pacer: Pacer): Promise<void> {
  for (let at = 0; at < body.length && !response.destroyed; at += PACE_CHUNK_BYTES) {
    const chunk = body.subarray(at, Math.min(body.length, at + PACE_CHUNK_BYTES));
    const wait = pacer.reserve(chunk.length);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (response.destroyed) return;
    if (!response.write(chunk)) await drained(response);
  }
  response.end();
}

/** Resolves when the response's socket takes more, or closes. */
export function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
