// Which of the trackers a link or a .torrent names the tab may contact. Anyone can write a link, and each tracker
// gets a WebSocket handshake carrying the URL's path and query from the user's browser: a link must not aim that at
// services on the user's device or network (a router's page, a development server, a database's HTTP port).
//
// The rule: a named tracker is kept when it is a ws: or wss: URL whose host is public, or whose host is in the same
// address class (address-class.ts) as one of the app's own trackers, the tracker of the origin the app is served
// from. So the public app refuses every loopback, private, link-local and unspecified tracker; an app served from
// 127.0.0.1 or localhost (a developer's, the tests') accepts loopback ones, on any port, and still refuses private
// ones; one served from a LAN address accepts that LAN's private addresses and still refuses loopback.
import { urlClass, type AddressClass } from './address-class';

/** Trackers kept per torrent; the defaults (the app's own tracker) always among them. */
export const MAX_TRACKERS_PER_TORRENT = 16;

/** Trackers of a link or file that are read at all; the rest are left unread and counted (a link holding
 * thousands of `tr` is a hostile one, and each read is a URL parse). */
export const MAX_TRACKERS_READ = 64;

/** Why a named tracker is not contacted. */
export type DropReason = Exclude<AddressClass, 'public'> | 'not-websocket' | 'invalid' | 'over-limit';

export interface DroppedTracker {
  url: string;
  reason: DropReason;
}

export interface ScreenedTrackers {
  /** The trackers to announce to: the named ones kept, then the app's own. */
  kept: string[];
  /** Each named tracker that was read and is not contacted, in the order named. */
  dropped: DroppedTracker[];
  /** Named trackers beyond MAX_TRACKERS_READ, never read. */
  unread: number;
}

/** The scheme, address and repeat checks of one URL: its drop reason, or undefined when it may be kept. */
function dropReason(url: string, allowed: ReadonlySet<AddressClass>): DropReason | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return 'invalid';
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') return 'not-websocket';
  const kind = urlClass(url);
  if (kind === undefined) return 'invalid';
  return kind === 'public' || allowed.has(kind) ? undefined : kind;
}

/** ws: and wss: URLs only, deduplicated, in order (the app's own trackers: no address rule applies to them). */
function ownTrackers(defaults: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of defaults) {
    const url = raw.trim();
    const reason = dropReason(url, new Set(['loopback', 'unspecified', 'private', 'link-local']));
    if (reason === undefined && !out.includes(url)) out.push(url);
  }
  return out;
}

/**
 * Screens the trackers a link or file names (`listed`, in its order) against the app's own (`defaults`): at most
 * MAX_TRACKERS_READ are read, of which those the rule above keeps, up to MAX_TRACKERS_PER_TORRENT with the defaults
 * (never cut), are announced to. `alsoUnread`: trackers the link named that its parser already left unread.
 */
export function screenTrackers(
  listed: readonly string[],
  defaults: readonly string[] = [],
  alsoUnread = 0,
): ScreenedTrackers {
  const own = ownTrackers(defaults);
  const allowed = new Set(own.map(urlClass).filter((kind): kind is AddressClass => kind !== undefined));
  const room = Math.max(0, MAX_TRACKERS_PER_TORRENT - own.length);
  const kept: string[] = [];
  const dropped: DroppedTracker[] = [];
  const seen = new Set<string>(own);
  for (const raw of listed.slice(0, MAX_TRACKERS_READ)) {
    const url = raw.trim();
    if (url === '' || seen.has(url)) continue;
    seen.add(url);
    const reason = dropReason(url, allowed) ?? (kept.length >= room ? 'over-limit' : undefined);
    if (reason) dropped.push({ url, reason });
    else kept.push(url);
  }
  const unread = Math.max(0, listed.length - MAX_TRACKERS_READ) + alsoUnread;
  return { kept: [...kept, ...own].slice(0, MAX_TRACKERS_PER_TORRENT), dropped, unread };
}

/** What a screen left out, for the reply to whoever added the torrent; undefined when it left nothing out. */
export function notContacted(
  screened: ScreenedTrackers,
): { dropped: DroppedTracker[]; unread: number } | undefined {
  const { dropped, unread } = screened;
  return dropped.length > 0 || unread > 0 ? { dropped, unread } : undefined;
}

const REASONS: Record<DropReason, string> = {
  loopback: 'an address on this device',
  unspecified: 'an address that reaches this device',
  private: 'an address on a private network',
  'link-local': 'a link-local address',
  'not-websocket': 'not a WebSocket tracker (ws: or wss:), which a browser cannot reach',
  invalid: 'not a valid address',
  'over-limit': `over the limit of ${MAX_TRACKERS_PER_TORRENT} trackers a torrent announces to`,
};

/** Why a tracker is not contacted, in words for the user. */
export function dropReasonText(reason: DropReason): string {
  return REASONS[reason];
}
