// Peer exchange wired to a session (pex/exchange.ts): the connections, the actions out, and what the session wants,
// as the extension's ports; and the events of its contract (`signal-out`, `meet-failed`) handed to it.
import type { EngineAction, EngineConfig, EngineEvent, SessionState } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import type { Connections } from '../peer/connections';
import { PeerExchange } from '../pex/exchange';
import type { BanList } from '../verify/verify';

export type { PeerExchange } from '../pex/exchange';

/** What peer exchange reads of the session as it goes. */
export interface PexSession {
  act(action: EngineAction): void;
  downloader(): Downloader | undefined;
  state(): SessionState;
}

/** The session's peer exchange, unless the config turns it off. */
export function sessionPex(
  config: EngineConfig,
  options: { peerId: Uint8Array; random: () => number },
  connections: Connections,
  bans: BanList,
  session: PexSession,
): PeerExchange | undefined {
  if (config.peerExchange === false) return undefined;
  return new PeerExchange({
    ourId: options.peerId,
    peers: () => connections.peers.values(),
    peer: (key) => connections.peers.get(key),
    byId: (id) => connections.byId(id),
    send: (peer, message) => connections.send(peer, message),
    close: (peer, reason) => connections.close(peer, reason),
    act: (action) => session.act(action),
    progress: (peer) => {
      const downloader = session.downloader();
      return downloader ? (1000 * downloader.peerPieces(peer.key)) / downloader.info.pieceCount : 0;
    },
    seeding: () => session.state() === 'seeding',
    active: () => session.state() !== 'paused' && session.state() !== 'stopped',
    wanted: () => config.targetPeers - connections.peers.size,
    full: () => connections.peers.size >= config.maxPeers,
    banned: (id) => bans.isBanned(id),
    random: () => options.random(),
  });
}

/** The contract's peer-exchange events, for the session's event table. */
export function pexEvent(
  pex: PeerExchange | undefined,
  event: Extract<EngineEvent, { type: 'signal-out' | 'meet-failed' }>,
  now: number,
): void {
  if (event.type === 'signal-out') pex?.signalOut(event, now);
  else pex?.meetFailed(event, now);
}

/** `peer-connected`: a connection made by a meeting is to name the peer met (checked at its handshake). */
export function connectPeer(
  pex: PeerExchange | undefined,
  connections: Connections,
  event: Extract<EngineEvent, { type: 'peer-connected' }>,
): void {
  if (event.expect) pex?.expect(event.peer, event.expect);
  connections.connect(event.peer, event.identities ?? []);
}

/** `want-peers`, with how many of them peer exchange can bring. */
export function wantPeersAction(count: number, pex: PeerExchange | undefined, now: number): EngineAction {
  const swarm = pex?.throughSwarm(count, now);
  return swarm ? { type: 'want-peers', count, swarm } : { type: 'want-peers', count };
}
