/** A rolling-window rate meter; time is passed in (milliseconds). */
export class RateMeter {
  constructor(windowMs = 5000) {
    void windowMs;
    throw new Error('not implemented');
  }

  add(bytes: number, now: number): void {
    void bytes;
    void now;
    throw new Error('not implemented');
  }

  /** Bytes per second over the window ending at `now`. */
  rate(now: number): number {
    void now;
    throw new Error('not implemented');
  }

  get total(): number {
    throw new Error('not implemented');
  }
}
