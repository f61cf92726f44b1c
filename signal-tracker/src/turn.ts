// Short-lived TURN credentials in coturn's REST-API scheme (`use-auth-secret`): the username is `<expiry>:<random>`
// (expiry in Unix seconds), the credential the base64 HMAC-SHA1 of the username under the shared secret. The TURN
// server recomputes the credential from the username and refuses it after the expiry, so the secret never leaves
// the tracker and a leaked credential dies on its own.
import { createHmac, randomBytes } from 'node:crypto';

export interface TurnConfig {
  /** `turn:` and `turns:` URLs of the relay, e.g. `turn:relay.example.org:3478?transport=udp`. */
  urls: string[];
  secret: string;
  /** How long a handed-out credential stays valid. */
  ttlSeconds: number;
}

export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

/** Default validity of a credential: 12 hours. */
export const DEFAULT_TURN_TTL_SECONDS = 12 * 3600;

/** A fresh credential, valid for `ttlSeconds` from `nowMs`. */
export function turnCredentials(
  config: TurnConfig,
  nowMs: number,
  random: () => string = () => randomBytes(9).toString('base64url'),
): TurnIceServer {
  const expiry = Math.floor(nowMs / 1000) + Math.floor(config.ttlSeconds);
  const username = `${expiry}:${random()}`;
  const credential = createHmac('sha1', config.secret).update(username).digest('base64');
  return { urls: [...config.urls], username, credential };
}

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
