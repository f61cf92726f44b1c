// A test's shorter wait for a connection that never opens: a page a browser automation drives (`navigator.webdriver`)
// at `?stall-ms=<n>` counts a matched connection still not open after n ms as failed (peers.ts), instead of after
// 15 s. A test of what the page says once that happens then waits n ms, not the real wait; what the real wait is,
// and that the diagnosis follows it, is the unit tests' (peers.test.ts). Never a user-facing setting.

export const STALL_MS_PARAM = 'stall-ms';
/** The shortest wait a test may ask: shorter, an ICE check that succeeds could be counted failed first. */
const MIN_STALL_MS = 1_000;
const MAX_STALL_MS = 60_000;

/** The wait a page at `search` (its address's query) asks, when `automated` and the value is a whole number of ms
 * within bounds; undefined otherwise (the default wait). */
export function stallMsFromAddress(search: string, automated: boolean): number | undefined {
  if (!automated) return undefined;
  const value = new URLSearchParams(search).get(STALL_MS_PARAM);
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const ms = Number(value);
  return ms >= MIN_STALL_MS && ms <= MAX_STALL_MS ? ms : undefined;
}
