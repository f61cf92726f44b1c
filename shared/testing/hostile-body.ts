// Test helper: the bodies a hostile web seed sends (range-server.ts's faults): more bytes than the range asked for,
// and a body trickled a few bytes at a time. The trickle runs on `setInterval`, so a test that fakes `setTimeout` to
// run the client's idle bound at once still sees the server send in real time.
import type { ServerResponse } from 'node:http';
import { drained } from './paced-body';

/** The bytes of junk written at a time. */
const JUNK_CHUNK = new Uint8Array(64 * 1024).fill(0xee);

/** Sends `body`, then `extra` bytes of 0xee that no range asked for, as fast as the client takes them, then ends: a
 * large `extra` is a body with no end for a client that stops reading. */
export async function sendOverlong(response: ServerResponse, body: Uint8Array, extra: number): Promise<void> {
  let more = response.write(body);
  for (let sent = 0; sent < extra && !response.destroyed; sent += JUNK_CHUNK.length) {
    if (!more) await drained(response);
    if (response.destroyed) return;
    more = response.write(JUNK_CHUNK.subarray(0, Math.min(JUNK_CHUNK.length, extra - sent)));
  }
  if (!response.destroyed) response.end();
}

/** How a trickled body is sent: `bytes` every `everyMs`. */
export interface Trickle {
  bytes: number;
  everyMs: number;
}

/** Sends `body` `trickle.bytes` at a time, one chunk each `trickle.everyMs`, until it is sent or the client left. */
export function sendTrickled(response: ServerResponse, body: Uint8Array, trickle: Trickle): void {
  let at = 0;
  const timer = setInterval(() => {
    if (response.destroyed) return clearInterval(timer);
    const chunk = body.subarray(at, at + trickle.bytes);
    at += chunk.length;
    if (at >= body.length) {
      clearInterval(timer);
      response.end(chunk);
    } else response.write(chunk);
  }, trickle.everyMs);
  response.on('close', () => clearInterval(timer));
}
