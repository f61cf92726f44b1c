// The trackers a torrent announces to. A link or a .torrent file comes from anyone, and every tracker we announce
// to learns our address and what we download: only WebSocket trackers, and no more than a handful. Shared by the
// worker (a torrent's list) and the page (its tracker clients, and the states they show), with no socket code.

export type TrackerState = 'connecting' | 'connected' | 'unreachable' | 'failure';

export interface TrackerStatus {
  url: string;
  state: TrackerState;
  /** The failure reason or connection error, for the UI. */
  message?: string;
  /** Swarm counts from the last announce reply. */
  complete?: number;
  incomplete?: number;
}

/** Tracker URLs the browser can reach: ws: and wss: only, deduplicated, in order. */
export function usableTrackers(urls: readonly string[]): string[] {
  const out: string[] = [];
  for (const url of urls) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') continue;
    } catch {
      continue;
    }
    if (!out.includes(url)) out.push(url);
  }
  return out;
}

/** Trackers kept per torrent; the defaults (the app's own tracker) always among them. */
export const MAX_TRACKERS_PER_TORRENT = 16;

/**
 * The torrent's trackers: its own (from the link or the file), then the defaults; trimmed, `ws:`/`wss:` only,
 * without repeats, at most MAX_TRACKERS_PER_TORRENT, of which the defaults are never cut.
 */
export function torrentTrackers(listed: readonly string[], defaults: readonly string[] = []): string[] {
  const own = usableTrackers(defaults.map((url) => url.trim()));
  const others = usableTrackers(listed.map((url) => url.trim())).filter((url) => !own.includes(url));
  return [...others.slice(0, Math.max(0, MAX_TRACKERS_PER_TORRENT - own.length)), ...own].slice(
    0,
    MAX_TRACKERS_PER_TORRENT,
  );
}
