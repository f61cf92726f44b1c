// The test hold's switch in the engine worker: a page a test opened at `?hold-pieces=<n>` (passed on only under a
// browser automation, engine-worker-name.ts) starts a worker whose torrents each serve the first n pieces asked for
// (shared/engine/upload/serve-hold.ts), or at `?hold-piece=<i>` every piece but piece i, until the test posts `release` on SERVE_HOLD_CHANNEL from a page of the same
// origin (e2e/hold.ts). Without the parameter there is no hold and nothing listens.
import type { EngineConfig } from '../../../../shared/engine/contract/engine-types';
import { ServeHold } from '../../../../shared/engine/upload/serve-hold';
import { HOLD_PIECE_PARAM, HOLD_PIECES_PARAM, workerOption } from './engine-worker-name';

/** The broadcast channel a test releases the hold on (same origin only, as every BroadcastChannel). */
export const SERVE_HOLD_CHANNEL = 'swarmdrop-serve-hold';
/** The message that releases it. */
export const RELEASE_HOLD = 'release';

/** What the worker needs of a BroadcastChannel. */
export type HoldChannel = Pick<BroadcastChannel, 'onmessage' | 'close'>;

/** The hold a worker named `name` asks for: a count of pieces, else one piece held; none without a number. */
function holdOf(name: string): ServeHold | undefined {
  const count = workerOption(name, HOLD_PIECES_PARAM);
  if (count !== undefined && /^\d+$/.test(count)) return new ServeHold(Number(count));
  const piece = workerOption(name, HOLD_PIECE_PARAM);
  if (piece !== undefined && /^\d+$/.test(piece)) return ServeHold.allBut(Number(piece));
  return undefined;
}

/** The engine config of a worker named `name`: the hold it asks for, released by `release` on the channel that
 * `open` opens; empty (and no channel opened) without one. */
export function serveHoldConfig(
  name: string,
  open: (channel: string) => HoldChannel,
): Pick<EngineConfig, 'serveHold'> {
  const hold = holdOf(name);
  if (!hold) return {};
  const channel = open(SERVE_HOLD_CHANNEL);
  channel.onmessage = (event) => {
    if (event.data !== RELEASE_HOLD) return;
    hold.release();
    channel.close();
  };
  return { serveHold: hold };
}
