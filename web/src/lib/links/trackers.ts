// The trackers a torrent announces to. A link or a .torrent file comes from anyone, and every tracker we announce
// to learns our address and what we download: only WebSocket trackers, and no more than a handful. Shared by the
// worker (a torrent's list) and the page (its tracker clients, and the states they show), with no socket code.
import { screenTrackers } from './tracker-screen';

export { MAX_TRACKERS_PER_TORRENT } from './tracker-screen';

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

/**
 * The torrent's trackers: its own (from the link or the file) that tracker-screen.ts keeps, then the defaults;
 * trimmed, `ws:`/`wss:` only, without repeats, at most MAX_TRACKERS_PER_TORRENT, of which the defaults are never cut.
 */
export function torrentTrackers(listed: readonly string[], defaults: readonly string[] = []): string[] {
  return screenTrackers(listed, defaults).kept;
}

/**
 * The trackers a stored torrent announces to: those of its list the screen keeps (the app's own among them only
 * where listed), or the app's own when none is left. The tracker clients' door: a list stored before a screen, or
 * by any other path, still never aims the tab at the user's device or network.
 */
export function announceTrackers(listed: readonly string[], defaults: readonly string[]): string[] {
  const named = new Set(listed.map((url) => url.trim()));
  const kept = torrentTrackers(listed, defaults).filter((url) => named.has(url));
  return kept.length > 0 ? kept : torrentTrackers([], defaults);
}
