// The page's messages to the client, each to its named handler: a connection's events go to its torrent's host,
// actions to the action table (actions.ts). The data channels' own messages, and the page's answers to web-seed
// requests and the hash worker's port, are the worker script's (engine.worker.ts) and never reach here.
import type { ActionMessage, MainToWorker } from '../../lib/messages/protocol';
import type { TorrentHost } from '../torrent/host';
import type { PeerTransports } from '../transport/peer-transports';
import type { TorrentRegistry } from './registry';

/** The messages the client handles. */
export type ClientMessage = Exclude<
  MainToWorker,
  { type: 'channel-adopt' | 'channel-close' | 'upload-limit' | 'seed-answer' | 'hash-port' | 'hash-lost' }
>;

type MessageHandlers = {
  [T in ClientMessage['type']]: (message: Extract<ClientMessage, { type: T }>) => void | Promise<void>;
};

/** What the handlers reach beyond the torrents. */
export interface RouterParts {
  registry: TorrentRegistry;
  /** Each connection's transport: a channel the page relays gets its bytes and backlog through it. */
  transports: PeerTransports;
  runAction: (message: ActionMessage) => Promise<void>;
  /** The page's diagnosis shows at once. */
  publishSoon: () => void;
  shutdown: () => Promise<void>;
}

export class MessageRouter {
  private readonly handlers: MessageHandlers;

  constructor(parts: RouterParts) {
    this.handlers = messageHandlers(parts);
  }

  /** Runs a message's handler; a message without one (a channel's) is not the client's. */
  async route(message: MainToWorker): Promise<void> {
    if (!Object.hasOwn(this.handlers, message.type)) return;
    const handler = this.handlers[message.type as ClientMessage['type']] as (
      message: ClientMessage,
    ) => void | Promise<void>;
    await handler(message as ClientMessage);
  }
}

function messageHandlers({
  registry,
  transports,
  runAction,
  publishSoon,
  shutdown,
}: RouterParts): MessageHandlers {
  const host = (infoHashHex: string): TorrentHost | undefined => registry.get(infoHashHex);
  return {
    action: (message) => runAction(message),
    'peer-connected': (message) => {
      const transport = transports.open(message.infoHashHex, message.peer, message.channel);
      const known = host(message.infoHashHex);
      // A connection for a torrent this worker does not have (removed meanwhile): the page closes it.
      if (!known) transport.close('unknown torrent');
      else known.peerConnected(message.peer, message.identities ?? [], transport, message.expect);
    },
    'signal-out': ({ infoHashHex, to, kind, payload }) =>
      host(infoHashHex)?.swarmEvent({
        type: 'signal-out',
        to,
        kind,
        ...(payload ? { payload: new Uint8Array(payload) } : {}),
      }),
    'meet-failed': ({ infoHashHex, peer, reason }) =>
      host(infoHashHex)?.swarmEvent({ type: 'meet-failed', peer, reason }),
    'peer-data': (message) => transports.fromPage(message),
    'peer-closed': (message) => {
      transports.closed(message.infoHashHex, message.peer);
      host(message.infoHashHex)?.peerClosed(message.peer);
    },
    'peer-path': (message) => host(message.infoHashHex)?.peerPath(message.peer, message.path),
    reachability: (message) => {
      host(message.infoHashHex)?.setReachability(message.problem);
      publishSoon();
    },
    'peer-backlog': (message) => transports.fromPage(message),
    'upload-queue': (message) => host(message.infoHashHex)?.uploadQueue(message.bytes, message.byPeer),
    'want-pieces': (message) =>
      host(message.infoHashHex)?.streams.want(message.pieces, message.seek, message.behind === true),
    shutdown: () => shutdown(),
  };
}
