// What the app's own tracker tells the page: its address (the default tracker) and its `/config.json` (ICE servers,
// whether one of them is a TURN relay, and when to ask again for a fresh credential).

/** The tracker of the app's own origin: ws(s)://<host>/. */
export function defaultTracker(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/`;
}

/** What the tracker's `/config.json` says: ICE servers, and whether one of them is a TURN relay. */
export interface PeerConfig {
  iceServers: RTCIceServer[];
  relay: boolean;
  /** Whether this is a fresh answer to use; false when the tracker refused a credential or did not answer. */
  fresh: boolean;
  /** When to fetch the config again, in ms: at half the credential's life, or when the tracker said to retry. */
  refreshMs: number;
}

/** The longest wait between two fetches while the tracker offers a relay. */
export const PEER_CONFIG_REFRESH_MS = 30 * 60_000;
/** The wait after a fetch that got no answer, or a refusal without a Retry-After. */
export const PEER_CONFIG_RETRY_MS = 60_000;
/** The shortest wait, whatever the tracker says. */
const MIN_REFRESH_MS = 1000;

function clampRefresh(ms: number): number {
  return Math.min(PEER_CONFIG_REFRESH_MS, Math.max(MIN_REFRESH_MS, ms));
}

const UNREACHABLE: PeerConfig = {
  iceServers: [],
  relay: false,
  fresh: false,
  refreshMs: PEER_CONFIG_RETRY_MS,
};

/**
 * The config from `/config.json`'s answer: 200 is fresh; 429 (too many credentials from this address) still says
 * whether a relay exists, so a tab set to relay-only never connects directly for lack of a credential, and when to
 * ask again (Retry-After).
 */
export function readPeerConfig(status: number, retryAfter: string | null, body: unknown): PeerConfig {
  if (status !== 200 && status !== 429) return UNREACHABLE;
  const config = (body ?? {}) as { iceServers?: unknown; relay?: unknown; refreshSeconds?: unknown };
  const iceServers = Array.isArray(config.iceServers) ? (config.iceServers as RTCIceServer[]) : [];
  const relay = config.relay === true;
  if (status === 429) {
    const seconds = Number(retryAfter);
    const refreshMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : PEER_CONFIG_RETRY_MS;
    return { iceServers, relay, fresh: false, refreshMs: clampRefresh(refreshMs) };
  }
  const seconds = Number(config.refreshSeconds);
  const refreshMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : PEER_CONFIG_REFRESH_MS;
  return { iceServers, relay, fresh: true, refreshMs: clampRefresh(refreshMs) };
}

/** How long the page waits for `/config.json`, its body included, before it goes on without a relay. */
export const PEER_CONFIG_TIMEOUT_MS = 3000;

/** The tracker's `/config.json`, or UNREACHABLE when it does not answer whole within `timeoutMs`: the engine waits for
 * it before it starts, so a tracker that sends the headers and stalls in the body must not hold the start. */
export async function loadPeerConfig(
  url = '/config.json',
  timeoutMs = PEER_CONFIG_TIMEOUT_MS,
): Promise<PeerConfig> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
    if (response.status !== 200 && response.status !== 429) return UNREACHABLE;
    return readPeerConfig(response.status, response.headers.get('retry-after'), await response.json());
  } catch {
    return UNREACHABLE;
  } finally {
    clearTimeout(timer);
  }
}
