// Short-lived TURN credentials in coturn's REST-API scheme (`use-auth-secret`): the username is `<expiry>:<random>`
// (expiry in Unix seconds), the credential the base64 HMAC-SHA1 of the username under the shared secret. The tracker
// mints one for each tab (turn.ts) and its keeper one for each of its peer connections (keeper/keeper-ice.ts).
import { createHmac, randomBytes } from 'node:crypto';

/** TURN relays and what their credentials are made with. */
export interface TurnRelays {
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

/** A fresh credential, valid for `ttlSeconds` from `nowMs`. */
export function turnCredentials(
  config: TurnRelays,
  nowMs: number,
  random: () => string = () => randomBytes(9).toString('base64url'),
): TurnIceServer {
  const expiry = Math.floor(nowMs / 1000) + Math.floor(config.ttlSeconds);
  const username = `${expiry}:${random()}`;
  const credential = createHmac('sha1', config.secret).update(username).digest('base64');
  return { urls: [...config.urls], username, credential };
}
