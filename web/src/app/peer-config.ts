// What the app's own tracker tells the page: its address (the default tracker) and its `/config.json` (ICE servers,
// and whether one of them is a TURN relay).

/** The tracker of the app's own origin: ws(s)://<host>/. */
export function defaultTracker(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/`;
}

/** What the tracker's `/config.json` says: ICE servers, and whether one of them is a TURN relay. */
export interface PeerConfig {
  iceServers: RTCIceServer[];
  relay: boolean;
}

/** TURN credentials are short-lived: the config is fetched again this often while the tracker offers a relay. */
export const PEER_CONFIG_REFRESH_MS = 30 * 60_000;

export async function loadPeerConfig(): Promise<PeerConfig> {
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3000);
    const response = await fetch('/config.json', { signal: controller.signal, cache: 'no-store' });
    clearTimeout(timer);
    if (!response.ok) return { iceServers: [], relay: false };
    const config = (await response.json()) as { iceServers?: unknown; relay?: unknown };
    const iceServers = Array.isArray(config.iceServers) ? (config.iceServers as RTCIceServer[]) : [];
    return { iceServers, relay: config.relay === true };
  } catch {
    return { iceServers: [], relay: false };
  }
}
