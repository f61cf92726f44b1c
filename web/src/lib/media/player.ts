// The player that `Play` opens, made and started in the click itself, before the page renders it.
//
// A media element begins loading in a task of its own after its `src` is set (Chromium's load timer). Everything the
// page did first ran ahead of that task: Svelte's flush in the click, a frame with the controls' styles, the engine's
// next snapshot and its frame, each on a main thread that waits for one of two cores shared with the download (in
// traces, 6 times as long as its CPU time). `loadstart` came 23 to 100 ms after the click (median 67 of ten sessions)
// against WebTorrent's 12 to 59 ms (21), whose page makes a bare `<video>` and sets its `src` in its click. Made
// here, the element's load is queued at the click's start (median 53), and with its controls deferred (below) 12 to
// 61 ms (28, against WebTorrent's 25 in the same run); the component then only places it.
//
// The player starts as soon as it can play on. `autoplay` waits for the browser's verdict that the file would play
// through to its end without a stall (HAVE_ENOUGH_DATA), which a file arriving from peers at about its own bitrate
// never earns: Chromium then stays at HAVE_FUTURE_DATA until the download ends. `play()` starts at HAVE_FUTURE_DATA.

export type PlayerKind = 'video' | 'audio';

/** What the player needs of its element (a fake in tests). */
export type PlayerMedia = Pick<
  HTMLMediaElement,
  | 'controls'
  | 'currentTime'
  | 'preload'
  | 'autoplay'
  | 'src'
  | 'play'
  | 'pause'
  | 'load'
  | 'setAttribute'
  | 'removeAttribute'
  | 'addEventListener'
  | 'removeEventListener'
  | 'append'
  | 'remove'
> & { ownerDocument: { createElement(tag: 'track'): { kind: string } & Node } };

/**
 * The player's controls come once its time moves past its first frame (playing), at an error or a refused `play()`,
 * or this long after `Play` at the latest. Made at once, their shadow tree's styles and icons cost the page two style
 * passes of 12 to 18 ms of CPU each while the player starts, and on two cores shared with the download that thread
 * waited for a core for up to 6 times as long (a trace: 107 ms of wall time for 18 ms of CPU), ahead of the player's
 * own tasks on the same thread. Made with the first frame (`loadeddata`), they fell between it and the start of
 * playback: a trace showed 175 ms of the page's main thread there (the controls' creation in the event, then their
 * style, layout and paint), and the time moved 0.2 to 0.35 s after `playing` where WebTorrent's moved within 20 ms.
 */
export const CONTROLS_AFTER_MS = 3000;

/** The events a player reports to the engine (its playhead, its waits and its seeks). */
export const PLAYER_EVENTS = [
  'loadedmetadata',
  'durationchange',
  'timeupdate',
  'playing',
  'pause',
  'waiting',
  'seeking',
  'seeked',
] as const;

/**
 * Makes a player for `src` and starts loading it at once; `label` is its accessible name; `subtitled`: its
 * subtitle tracks are added by the caller. Each time it starts
 * loading a source it is asked to play (the click on `Play` is the gesture that allows it).
 */
export function startPlayer<M extends PlayerMedia>(
  create: (kind: PlayerKind) => M,
  kind: PlayerKind,
  src: string,
  label: string,
  subtitled = false,
): M {
  const media = create(kind);
  const showControls = () => {
    clearTimeout(timer);
    media.controls = true;
  };
  const timer = setTimeout(showControls, CONTROLS_AFTER_MS);
  media.addEventListener('error', showControls, { once: true });
  const playingOn = () => {
    if (media.currentTime <= 0) return;
    media.removeEventListener('timeupdate', playingOn);
    showControls();
  };
  media.addEventListener('timeupdate', playingOn);
  media.autoplay = true;
  media.preload = 'auto';
  media.setAttribute('aria-label', label);
  if (kind === 'video' && !subtitled) {
    // No subtitle file beside it in the torrent (subtitles.ts adds those): an empty captions track.
    const track = media.ownerDocument.createElement('track');
    track.kind = 'captions';
    media.append(track);
  }
  // `loadstart` comes after the load algorithm has paused the element, so the play() stays. Refused (an autoplay
  // policy) or interrupted (the player closed): the controls come, to play from.
  media.addEventListener('loadstart', () => media.play().catch(showControls));
  media.src = src;
  return media;
}

/**
 * A started player is placed in the page once its load has begun (`loadstart`), at an error, or after
 * PLACE_AFTER_MS at the latest. Placed in the click, it ran the page's flush and then a frame of style and layout for
 * the new element ahead of the element's own load task, on a main thread that waits for a core shared with the
 * download: `loadstart` came 47 ms after the click against WebTorrent's 30 (medians of 24 sessions each), whose click
 * appends a bare `<video>`.
 */
export const PLACE_AFTER_MS = 250;

/** Calls `place` once, when `media` has begun loading (see PLACE_AFTER_MS). Returns a cancel: `place` is then never
 * called. */
export function whenLoading(
  media: Pick<PlayerMedia, 'addEventListener' | 'removeEventListener'>,
  place: () => void,
) {
  const done = () => {
    cancel();
    place();
  };
  const timer = setTimeout(done, PLACE_AFTER_MS);
  const cancel = () => {
    clearTimeout(timer);
    media.removeEventListener('loadstart', done);
    media.removeEventListener('error', done);
  };
  media.addEventListener('loadstart', done);
  media.addEventListener('error', done);
  return cancel;
}

/** Closes a player: it stops playing and lets go of its request (a removed element would hold it until collected). */
export function stopPlayer(media: PlayerMedia): void {
  media.pause();
  media.removeAttribute('src');
  media.load();
  media.remove();
}
