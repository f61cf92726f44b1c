// Which of a player's positions go to the engine: every change of state (paused or playing, a new duration), every
// jump (a seek), and while it plays one a second (the engine moves the playhead on between them).
import type { PlaybackPosition } from '../lib/messages/actions';

export const REPORT_EVERY_MS = 1_000;
/** A time this far (seconds) from where playing on would have put it is a jump. */
const JUMP_SECONDS = 1;

/** A position sent, and when (ms). */
export interface SentPosition {
  position: PlaybackPosition;
  at: number;
}

/** The position the media element reads now, as the engine wants it. */
export function positionOf(media: HTMLMediaElement): PlaybackPosition {
  const duration = Number.isFinite(media.duration) && media.duration > 0 ? media.duration : 0;
  return {
    time: Number.isFinite(media.currentTime) ? Math.max(0, media.currentTime) : 0,
    duration,
    // HAVE_FUTURE_DATA: below it the player waits for data.
    paused: media.paused || media.seeking || media.readyState < 3,
  };
}

/** Should `next` (at `now`, ms) go to the engine, after `last`? */
export function worthSending(last: SentPosition | undefined, next: PlaybackPosition, now: number): boolean {
  if (!last) return true;
  const before = last.position;
  if (before.paused !== next.paused || before.duration !== next.duration) return true;
  const expected = before.paused ? before.time : before.time + (now - last.at) / 1000;
  if (Math.abs(next.time - expected) > JUMP_SECONDS) return true;
  return now - last.at >= REPORT_EVERY_MS;
}
