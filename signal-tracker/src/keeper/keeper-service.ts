// The keeper as the tracker server sees it: its routes in front of the app's, its process started once the tracker
// listens (it joins swarms through the tracker's own WebSocket), and what /config.json tells the app of it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TurnRelays } from '../relay/turn-credentials';
import type { KeeperLimits } from './keep-policy';
import { keeperTurn } from './keeper-ice';
import { KeeperLink } from './keeper-link';
import { withKeepRoutes, withoutKeeper } from './keep-routes';

export interface KeeperServerOptions {
  /** The keeper's folder. */
  folder: string;
  limits: KeeperLimits;
  /** The keeper process's script, a keeper.js that scripts/build-tracker.mjs built (default: the one beside the
   * tracker's bundle, else the sources through tsx): what the bench measures is what users run. */
  script?: string;
}

/** What /config.json says of the keeper: that it is there, and its limits (never its token). */
export interface KeeperPublicInfo {
  hours: number;
  quotaBytes: number;
  perAddressBytes: number;
  tokenRequired: boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface KeeperService {
  /** Undefined without a keeper. */
  readonly info: KeeperPublicInfo | undefined;
  /** The routes in front of `next`; `bytesPerSecond` is what bodies from one address may send (the tracker's
   * per-address byte rate). */
  routes(next: Handler, addressOf: (req: IncomingMessage) => string, bytesPerSecond?: number): Handler;
  /** Starts the keeper's process, joining swarms through `trackerUrl` with the tracker's ICE and TURN settings. */
  start(trackerUrl: string, iceServers: unknown[], turn: TurnRelays | undefined): void;
  close(): Promise<void>;
}

/** The keeper of `options`; without options, none: the routes are the app's alone. */
export function keeperService(
  options: KeeperServerOptions | undefined,
  logError: (line: string) => void,
): KeeperService {
  if (!options)
    return { info: undefined, routes: withoutKeeper, start: () => {}, close: () => Promise.resolve() };
  let link: KeeperLink | undefined;
  const { limits } = options;
  return {
    info: {
      hours: limits.hours,
      quotaBytes: limits.quotaBytes,
      perAddressBytes: limits.perAddressBytes,
      tokenRequired: limits.token !== undefined,
    },
    routes: (next, addressOf, bytesPerSecond) =>
      withKeepRoutes(next, {
        ask: (request) => link?.ask(request) ?? Promise.resolve(undefined),
        addressOf,
        ...(bytesPerSecond === undefined ? {} : { budget: { bytesPerSecond } }),
      }),
    start: (trackerUrl, iceServers, turn) => {
      const config = {
        folder: options.folder,
        limits,
        tracker: trackerUrl,
        iceServers,
        turn: keeperTurn(turn),
      };
      link = new KeeperLink(config, logError, options.script);
    },
    close: () => link?.close() ?? Promise.resolve(),
  };
}
