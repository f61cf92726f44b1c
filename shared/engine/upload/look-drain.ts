// What each look at the transport saw leave it, as a rate for the pacer's window (pacer.ts). Where reports come
// seldom (a background tab's clamped worker timers: once a second), the window per report is about one wait's worth
// (look-cadence.ts), and the capacity estimate (the peak of the upload's rate over 5 s, uploader.ts
// `UploadCapacity`) lags the upload it sizes: a seeder that starts clamped, its estimate at zero, sends one block at
// its first look and grows by some 15 % a second after that (look-drain.test.ts: half a minute to 2 MiB/s). The bytes
// that left between two looks, over the wait for the second, are measured at each look instead. Where the transport
// still held a block or more, the path was the limit: that is its rate. Where it ran dry, the path took everything
// within the wait and may take more: the rate seen counts DRY_GROWTH times, so that the next window is DRY_GROWTH
// times what the path took (with the cadence's cover on top), as a sender's slow start grows its window each round
// trip. Overshooting leaves the transport at most DRY_GROWTH x CADENCE_COVER - 1 waits' worth of the path at the
// next look, which then measures the path.

/** Where the transport ran dry at a look, the rate it drained at counts this many times. */
export const DRY_GROWTH = 2;

/** The rate seen at a look, bytes/s: `drained` bytes left in `waitedMs`, the transport then `dry` (less than a block
 * held) or not. 0 where nothing can be told. */
export function drainRate(drained: number, waitedMs: number, dry: boolean): number {
  if (!(drained > 0 && waitedMs > 0) || !Number.isFinite(drained)) return 0;
  return ((dry ? DRY_GROWTH : 1) * drained * 1000) / waitedMs;
}
