// A rolling-window rate meter: bytes are counted into small time slots, and the rate is the sum of the slots inside
// the window divided by the window's length. Time is passed in (milliseconds, monotonic), so tests are exact.

/** The window of the rates the choker reads (Cohen 2003: a rolling 20-second average), so tit-for-tat is not
 * jittery. */
export const CHOKE_RATE_WINDOW_MS = 20_000;

/** Slots per window; the ring holds one more, the oldest slot, which the window only partly covers. */
const SLOTS = 50;
const RING = SLOTS + 1;

export class RateMeter {
  readonly windowMs: number;
  private readonly slotMs: number;
  private readonly bytes = new Float64Array(RING);
  /** The absolute slot number each ring entry holds (entries of older slots are stale). */
  private readonly keys = new Float64Array(RING).fill(-Infinity);
  private firstAt: number | undefined;
  private sum = 0;

  constructor(windowMs = 5000) {
    if (!Number.isFinite(windowMs) || windowMs <= 0)
      throw new RangeError(`invalid rate window ${windowMs} ms`);
    this.windowMs = windowMs;
    this.slotMs = windowMs / SLOTS;
  }

  /** All bytes ever added. */
  get total(): number {
    return this.sum;
  }

  add(bytes: number, now: number): void {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`invalid byte count ${bytes}`);
    if (!Number.isFinite(now)) throw new RangeError(`invalid time ${now}`);
    const key = Math.floor(now / this.slotMs);
    const slot = ((key % RING) + RING) % RING;
    if (this.keys[slot] !== key) {
      this.keys[slot] = key;
      this.bytes[slot] = 0;
    }
    this.bytes[slot] += bytes;
    this.sum += bytes;
    if (this.firstAt === undefined) this.firstAt = now;
  }

  /** Bytes per second over the window ending at `now`. While the meter is younger than the window, the rate is over
   * the time since the first byte (but at least a tenth of the window, so one early block does not look like a flood). */
  rate(now: number): number {
    if (this.firstAt === undefined) return 0;
    const key = Math.floor(now / this.slotMs);
    // The window (now - windowMs, now] covers the current slot up to now, SLOTS - 1 whole slots, and the part of the
    // oldest slot after now - windowMs (bytes are taken as spread evenly over a slot).
    const oldestShare = 1 - (now - key * this.slotMs) / this.slotMs;
    let inWindow = 0;
    for (let slot = 0; slot < RING; slot++) {
      const age = key - this.keys[slot];
      if (age >= 0 && age < SLOTS) inWindow += this.bytes[slot];
      else if (age === SLOTS) inWindow += this.bytes[slot] * oldestShare;
    }
    const span = Math.min(this.windowMs, Math.max(this.windowMs / 10, now - this.firstAt));
    return (inWindow * 1000) / span;
  }
}
