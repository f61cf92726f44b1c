// How long a wait for a look takes: the pacer's for news of its transport, an upload limit's for its next send.
// The pacer refills the transport when the adapter reports that it drained (pacer.ts); an adapter that looks at its
// transport on a timer reports no sooner than that timer runs, and a clamped timer (a background tab's worker in
// Firefox Nightly runs its timers once a second) spaces the reports a second apart whatever the path does. A window
// of PACE_WINDOW_MS would then go out once per report: the transport runs dry for most of each second and the
// measured rate, and with it the window, sinks towards a block a second. So the window covers the wait for the next
// report as measured: the time a report took once one was owed (a block sent, or the last report saying a block or
// more is held), the middle of the recent waits, so that one long wait (a path that stood still) or one short one (a
// timer run early) does not decide it. An upload limit's token bucket (web/src/net/channel-writer.ts) holds a burst
// that covers its measured wait the same way: a quarter second's burst refilled once a clamped second would hold the
// upload to a quarter of its limit.

/** Waits measured, the latest kept. */
export const CADENCE_SAMPLES = 9;
/** The window holds this many waits' worth, so that the transport still holds some when the next report comes. */
export const CADENCE_COVER = 1.5;
/** The window follows the waits up to this long: beyond it a timer is not merely clamped, and a queue of seconds
 * only keeps a cancel (a player's seek) from the blocks in it. */
export const CADENCE_MAX_MS = 2_000;

export class LookCadence {
  private readonly waits: number[] = [];

  /** A report came `waitedMs` after one was owed. */
  waited(waitedMs: number): void {
    if (!(waitedMs >= 0) || !Number.isFinite(waitedMs)) return;
    this.waits.push(waitedMs);
    if (this.waits.length > CADENCE_SAMPLES) this.waits.shift();
  }

  /** The middle of the recent waits, ms (0 before any). */
  get typicalMs(): number {
    if (this.waits.length === 0) return 0;
    const sorted = [...this.waits].sort((a, b) => a - b);
    return sorted[(sorted.length - 1) >> 1];
  }

  /** The time the window must cover, at least `floorMs`: CADENCE_COVER typical waits, at most CADENCE_MAX_MS. */
  windowMs(floorMs: number): number {
    return Math.max(floorMs, Math.min(CADENCE_MAX_MS, CADENCE_COVER * this.typicalMs));
  }
}
