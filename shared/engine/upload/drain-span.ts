// What left the transport over the last second, for the pacer's window where reports come often (pacer.ts). The
// window is a quarter second at the measured capacity, the peak of the upload's rate forgotten over a minute
// (uploader.ts `UploadCapacity`). On a lossy path the association's rate falls well below an early peak and stays
// there: a quarter second at the peak is then seconds at the rate that drains, and a block a player waits for (after
// a seek) goes in behind all of it, first in, first out, where a cancel no longer reaches. Where the transport held a
// block or more at every look for a whole span, the path was the limit all that span, and what left in it is the
// path's rate: the window follows that rate. A look that finds the transport (nearly) dry says the path may take
// more, or that nothing was asked: there is no bound until a whole span has been held again, so a seeder that was
// idle starts at the capacity, as before.

/** The span the drained bytes are summed over, ms. */
export const DRAIN_SPAN_MS = 1_000;
/** The span is kept as this many slots (a bound that does not grow with the reports' rate). */
const SLOTS = 10;
const SLOT_MS = DRAIN_SPAN_MS / SLOTS;

export class DrainSpan {
  private readonly bytes = new Float64Array(SLOTS);
  /** The slot number (time / SLOT_MS) each slot holds bytes for. */
  private readonly stamps = new Float64Array(SLOTS).fill(-1);
  /** Since when every look found a block or more held (undefined: the last look found less). */
  private heldSince: number | undefined;

  /** A look at `now`: `drained` bytes left since the one before, and the transport now holds a block or more
   * (`held`) or not. */
  look(drained: number, held: boolean, now: number): void {
    if (!held) {
      this.heldSince = undefined;
      return;
    }
    this.heldSince ??= now;
    if (!(drained > 0) || !Number.isFinite(drained)) return;
    const stamp = Math.floor(now / SLOT_MS);
    const slot = stamp % SLOTS;
    if (this.stamps[slot] !== stamp) {
      this.stamps[slot] = stamp;
      this.bytes[slot] = 0;
    }
    this.bytes[slot] += drained;
  }

  /** The path's rate, bytes/s, where the transport was held for the whole span up to `now`; undefined where it was
   * not (no bound). */
  pathRate(now: number): number | undefined {
    if (this.heldSince === undefined || now - this.heldSince < DRAIN_SPAN_MS) return undefined;
    const current = Math.floor(now / SLOT_MS);
    let sum = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      if (this.stamps[slot] > current - SLOTS) sum += this.bytes[slot];
    }
    // The span's slots cover from the start of the oldest one kept to now.
    const coveredMs = now - (current - SLOTS + 1) * SLOT_MS;
    return (sum * 1000) / coveredMs;
  }
}
