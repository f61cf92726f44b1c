// The player starts as soon as it can play on. `autoplay` waits for the browser's verdict that the file would play
// through to its end without a stall (HAVE_ENOUGH_DATA), which a file arriving from peers at about its own bitrate
// never earns: Chromium then stays at HAVE_FUTURE_DATA until the download ends. `play()` starts at HAVE_FUTURE_DATA.

/**
 * A Svelte action for the element around the `<video>` or `<audio>` that `Play` opened: each time a player in it
 * starts loading a source (the first file, or another one), it is asked to play (the click on `Play` is the gesture
 * that allows it).
 */
export function playAtOnce(container: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>): {
  destroy(): void;
} {
  const start = (event: Event) => {
    const media = event.target as Partial<Pick<HTMLMediaElement, 'play'>> | null;
    // Refused (an autoplay policy) or interrupted (the player closed): the controls remain.
    media?.play?.().catch(() => {});
  };
  // `loadstart` does not bubble: it is caught on its way down. It comes after the load algorithm has paused the
  // element, so the play() stays.
  container.addEventListener('loadstart', start, true);
  return { destroy: () => container.removeEventListener('loadstart', start, true) };
}
