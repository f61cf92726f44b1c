// Short-lived TURN credentials in coturn's REST-API scheme (`use-auth-secret`): the username is `<expiry>:<random>`
// (expiry in Unix seconds), the credential the base64 HMAC-SHA1 of the username under the shared secret. The TURN
// server recomputes the credential from the username and refuses it after the expiry, so the secret never leaves
// the tracker's host (the tracker and the keeper process it starts) and a leaked credential dies on its own. The
// minting itself is relay/turn-credentials.ts.
import { turnCredentials, type TurnRelays } from './relay/turn-credentials';
import { CredentialBuckets, DEFAULT_CREDENTIAL_LIMITS, type CredentialLimits } from './turn-limits';

export { turnCredentials, type TurnIceServer, type TurnRelays } from './relay/turn-credentials';

export interface TurnConfig extends TurnRelays {
  /** How many credentials one address may get (default DEFAULT_CREDENTIAL_LIMITS). */
  limits?: CredentialLimits;
}

/**
 * Default validity of a credential: 1 hour. coturn checks a credential when an allocation is made, not while it
 * lasts, so a relayed connection outlives its credential; a tab fetches a fresh one every half lifetime
 * (`refreshSeconds` of /config.json), so the one it makes new connections with always has half an hour left. A
 * leaked or hoarded credential makes new allocations for an hour at most.
 */
export const DEFAULT_TURN_TTL_SECONDS = 3600;

/** Parses `--turn-urls`: a comma-separated list of `turn:`/`turns:` URLs. Throws with the source on a bad one. */
export function parseTurnUrls(text: string, source: string): string[] {
  const urls = text
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  if (urls.length === 0) throw new Error(`invalid TURN URLs (${source}): none given`);
  for (const url of urls) {
    if (!/^turns?:[^\s?#/]+(:\d{1,5})?(\?transport=(udp|tcp))?$/.test(url)) {
      throw new Error(
        `invalid TURN URL ${JSON.stringify(url)} (${source}): expected turn:host[:port] or turns:host[:port]`,
      );
    }
  }
  return urls;
}

/** What /config.json answers: a status, its extra headers and its JSON body. */
export interface PeerConfigReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * /config.json for a client at `address` (an addressKey): the ICE servers, and with a relay a credential of its own
 * and when to ask again; past its address's share of credentials, 429 with Retry-After and the reason in words (the
 * body still says a relay exists, so a tab that wants relay-only connections never falls back to direct ones).
 */
export function peerConfigReply(
  iceServers: unknown[],
  turn: TurnConfig | undefined,
  credentials: CredentialBuckets | null,
  address: string,
  now: number,
): PeerConfigReply {
  if (!turn || !credentials) return { status: 200, headers: {}, body: { iceServers } };
  const grant = credentials.take(address, now);
  if (!grant.granted) {
    const seconds = Math.max(1, Math.ceil(grant.retryAfterMs / 1000));
    const error = `Too many relay credentials were asked for from your address; try again in ${seconds} s.`;
    return {
      status: 429,
      headers: { 'retry-after': String(seconds) },
      body: { iceServers, relay: true, error },
    };
  }
  const server = turnCredentials(turn, now);
  const refreshSeconds = Math.max(1, Math.floor(turn.ttlSeconds / 2));
  return {
    status: 200,
    headers: {},
    body: { iceServers: [...iceServers, server], relay: true, refreshSeconds },
  };
}

/** The credential counter of a relay, or null without one. */
export function credentialBuckets(turn: TurnConfig | undefined): CredentialBuckets | null {
  return turn ? new CredentialBuckets(turn.limits ?? DEFAULT_CREDENTIAL_LIMITS) : null;
}
