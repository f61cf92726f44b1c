// The deadlines a stream's wish gets (the service worker's, or Play's at the click): the engine fetches pieces with a
// deadline earliest first (priorities.ts), alongside the playback window's (playback-window.ts), whose deadlines run
// from a margin before the playhead. The first piece of a wish is what a player is blocked on now: a read the
// window does not cover (the window places the playhead by time over duration, and an MP4's samples are not spread
// evenly: a seek to 80 % read piece 1179 while the window started at 1203), so it must come before every window
// piece. With a deadline a second ahead it came after about a second of the window's pieces, 0.9 s at a seeder
// limited to 2.4 times the bitrate.

/** Pieces a stream may ask for at once. */
export const MAX_WANTED_PIECES = 64;
/** The first piece's deadline lies this far in the past: before any window piece (whose earliest lie a margin of a
 * second, plus at most the few seconds a playhead is extrapolated, before now), and late at once, so its blocks
 * still on their way are asked of a second peer too. */
export const WANT_NOW_MS = 10_000;
/** The pieces after the first: the second in a second from now, then one every half second. */
export const WANT_NEXT_MS = 1_000;
export const WANT_STEP_MS = 500;

/** Deadlines (ms, the engine's clock) for a wish of `pieces`, in the order they are needed; pieces outside the
 * torrent's `pieceCount` are dropped, and at most MAX_WANTED_PIECES are kept. */
export function streamDeadlines(
  pieces: readonly number[],
  pieceCount: number,
  now: number,
): Array<{ index: number; at: number }> {
  return wishable(pieces, pieceCount).map((index, i) => ({
    index,
    at: i === 0 ? now - WANT_NOW_MS : now + WANT_NEXT_MS + (i - 1) * WANT_STEP_MS,
  }));
}

/** A piece a superseded stream still waits for (lib/messages/stream-wishes.ts, `behind`) is due this far ahead: past
 * the engine's urgent horizon (URGENT_MS, 2 s), so that it takes no request of the playback window back at once (the
 * player may drop that old request any moment), yet before the rest of the torrent, and urgent a second later. */
export const WANT_BEHIND_MS = 3_000;

/** The deadline of a superseded stream's wish: its first piece only (if in the torrent), WANT_BEHIND_MS from now. */
export function behindDeadlines(
  pieces: readonly number[],
  pieceCount: number,
  now: number,
): Array<{ index: number; at: number }> {
  const [first] = streamDeadlines(pieces, pieceCount, now);
  return first ? [{ index: first.index, at: now + WANT_BEHIND_MS }] : [];
}

/** A fragmented MP4's header pieces (mp4-fragments.ts) are due from WANT_BEHIND_MS on, one every FRAGMENT_STEP_MS in
 * file order: before the rest of the torrent, yet past the urgent horizon, so that they take no request back from
 * the stream's own wishes (the player's current read) and move no playback window. (Due within the urgent horizon,
 * a batch took the other requests back at once: no faster in the bench, 4.4 and 4.1 s to the first frame against
 * 3.3 and 3.4 s.) */
export const FRAGMENT_STEP_MS = 50;

/** Deadlines for a batch of fragment header pieces, in file order; pieces outside the torrent are dropped. */
export const fragmentDeadlines = (pieces: readonly number[], pieceCount: number, now: number) =>
  wishable(pieces, pieceCount).map((index, i) => ({
    index,
    at: now + WANT_BEHIND_MS + i * FRAGMENT_STEP_MS,
  }));

/** The pieces of a wish that lie in the torrent, at most MAX_WANTED_PIECES of them. */
function wishable(pieces: readonly number[], pieceCount: number): number[] {
  return pieces
    .filter((index) => Number.isInteger(index) && index >= 0 && index < pieceCount)
    .slice(0, MAX_WANTED_PIECES);
}
