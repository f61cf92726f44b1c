// A peer's round trip as our requests see it: the time from a request to its block, smoothed as TCP smooths its
// round-trip time (RFC 6298: SRTT and RTTVAR, gains 1/8 and 1/4), and the least sample seen. Time is passed in
// (milliseconds), so tests are exact.
//
// A request's time includes the requests queued ahead of it at the peer, so the smoothed value grows with our own
// pipeline: it is what a request timeout must wait for. The least sample is the path and the peer's serving with no
// queue of ours in front (the first request to an idle peer): what the pipeline must cover. Sizing the pipeline by
// the smoothed value would feed on itself (a deeper pipeline, a longer wait, a deeper pipeline) until a queue on the
// path overflows: the pipeline covers the least sample and the stalls only (download/pipeline.ts).

/** RFC 6298's gains: the smoothed value moves an eighth of the way to each sample, the variation a quarter. */
const SMOOTHING = 1 / 8;
const VARIATION_GAIN = 1 / 4;
/** A sample longer than this is no round trip (a request that waited out a choke, a frozen tab): ignored. */
export const MAX_ROUND_TRIP_SAMPLE_MS = 60_000;

export class RoundTrip {
  private _smoothed: number | undefined;
  private _variation = 0;
  private _least: number | undefined;
  private _samples = 0;

  /** A request's block arrived `ms` after the request went out. A nonsensical sample is ignored. */
  sample(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_ROUND_TRIP_SAMPLE_MS) return;
    this._samples++;
    this._least = this._least === undefined ? ms : Math.min(this._least, ms);
    if (this._smoothed === undefined) {
      this._smoothed = ms;
      this._variation = ms / 2;
      return;
    }
    this._variation += VARIATION_GAIN * (Math.abs(this._smoothed - ms) - this._variation);
    this._smoothed += SMOOTHING * (ms - this._smoothed);
  }

  /** Samples taken. */
  get samples(): number {
    return this._samples;
  }

  /** The smoothed request-to-block time (SRTT), undefined before the first sample. */
  get smoothed(): number | undefined {
    return this._smoothed;
  }

  /** Its mean deviation (RTTVAR). */
  get variation(): number {
    return this._variation;
  }

  /** The least request-to-block time seen, undefined before the first sample. */
  get least(): number | undefined {
    return this._least;
  }
}

/** A request unanswered this long has timed out: RFC 6298's retransmission timeout (the smoothed time and four
 * variations) over the request-to-block times, never under `floorMs` (which also holds before the first sample) nor
 * over `capMs`. */
export function requestTimeoutFor(roundTrip: RoundTrip, floorMs: number, capMs: number): number {
  const smoothed = roundTrip.smoothed;
  if (smoothed === undefined) return floorMs;
  return Math.min(capMs, Math.max(floorMs, smoothed + 4 * roundTrip.variation));
}
