// The ICE servers of each of the keeper's peer connections: the tracker's --ice-servers and, with TURN relays, a
// credential minted for that connection as /config.json mints one for each tab. The keeper process holds the shared
// secret (it runs on the tracker's host, started by it); the credential dies on its own at its expiry.
import { turnCredentials, type TurnRelays } from '../relay/turn-credentials';

/** What the keeper needs of the tracker's TURN settings. */
export type KeeperTurn = TurnRelays;

export function keeperIceServers(
  iceServers: unknown[],
  turn: KeeperTurn | undefined,
  now: number,
): unknown[] {
  return turn ? [...iceServers, turnCredentials(turn, now)] : iceServers;
}

/** The TURN settings the keeper process is given: never the tracker's per-address credential limits. */
export function keeperTurn(turn: (TurnRelays & { limits?: unknown }) | undefined): KeeperTurn | undefined {
  return turn && { urls: turn.urls, secret: turn.secret, ttlSeconds: turn.ttlSeconds };
}
