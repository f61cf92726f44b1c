// A shorter idle timeout for tests. A peer silent for the engine's idle timeout (150 s) is dropped; a test of a tab
// frozen past it would have to freeze for minutes. `?idle-timeout=<seconds>` in the page's address shortens it (never
// lengthens it) for the engine worker the page starts, which reads it from the worker's name (engine-worker-name.ts).
import type { EngineConfig } from '../../../../shared/engine/contract/engine-types';
import { IDLE_TIMEOUT_PARAM, workerOption } from './engine-worker-name';

/** Shorter than this and a loaded machine's pauses (a garbage collection, a slow tick) would drop healthy peers. */
const MIN_IDLE_S = 5;
const DEFAULT_IDLE_S = 150;
/** Keep-alives go out well within the peer's idle timeout, as the defaults do (60 s within 150 s). */
const KEEP_ALIVE_SHARE = 0.4;

/** The timeouts a worker named `name` overrides (none for the plain name). */
export function peerTimeouts(name: string): Partial<EngineConfig> {
  const seconds = idleSeconds(workerOption(name, IDLE_TIMEOUT_PARAM));
  if (seconds === undefined) return {};
  return { idleTimeoutMs: seconds * 1000, keepAliveMs: Math.round(seconds * 1000 * KEEP_ALIVE_SHARE) };
}

/** Whole seconds from `MIN_IDLE_S` to below the default, or undefined. */
function idleSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds >= MIN_IDLE_S && seconds < DEFAULT_IDLE_S ? seconds : undefined;
}
