// Peer exchange wired to a session (pex/exchange.ts): the connections, the actions out, and what the session wants,
// as the extension's ports; the events of its contract (`signal-out`, `meet-failed`) handed to it; and the peers
// the session wants (PeerWants: its target, more while starved), asked of the swarm first, then of the trackers.
import type { EngineAction, EngineConfig, EngineEvent, SessionState } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import type { Connections } from '../peer/connections';
import { PeerExchange } from '../pex/exchange';
import type { BanList } from '../verify/verify';
import { Starvation, peerTarget } from './starvation';

export type { PeerExchange } from '../pex/exchange';

/** What peer exchange reads of the session as it goes. */
export interface PexSession {
  act(action: EngineAction): void;
  downloader(): Downloader | undefined;
  state(): SessionState;
  /** No peer has had what we lack for a while (starvation.ts). */
  starved(): boolean;
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
    ourProgress: () => ourProgress(session.downloader()),
    starved: () => session.starved(),
    active: () => session.state() !== 'paused' && session.state() !== 'stopped',
    wanted: () => peerTarget(config, connections.peers.size, session.starved()) - connections.peers.size,
    full: () => connections.peers.size >= config.maxPeers,
    banned: (id) => bans.isBanned(id),
    random: () => options.random(),
  });
}

function ourProgress(downloader: Downloader | undefined): number {
  return downloader ? (1000 * downloader.have.count()) / downloader.info.pieceCount : 0;
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
function wantPeersAction(count: number, pex: PeerExchange | undefined, now: number): EngineAction {
  const swarm = pex?.throughSwarm(count, now);
  return swarm ? { type: 'want-peers', count, swarm } : { type: 'want-peers', count };
}

/** How many peers the session wants (its target, or one more than it has while starved: starvation.ts), and the
 * `want-peers` a tick asks for. */
export class PeerWants {
  private readonly starvation = new Starvation();
  /** The session as peer exchange reads it, with whether it is starved. */
  readonly host: PexSession;

  constructor(
    private readonly config: EngineConfig,
    private readonly connections: Connections,
    session: Omit<PexSession, 'starved'>,
  ) {
    this.host = { ...session, starved: () => this.starvation.starved };
  }

  /** The tick's `want-peers` (with how many of them peer exchange can bring), if any. */
  action(pex: PeerExchange | undefined, now: number): EngineAction | undefined {
    const state = this.host.state();
    if (state === 'stopped' || state === 'paused') return undefined;
    const downloading = state === 'downloading' && this.host.downloader() !== undefined;
    const starved = this.starvation.update(downloading, this.connections.peers.values(), now);
    const count = this.connections.wanted(peerTarget(this.config, this.connections.peers.size, starved), now);
    return count === undefined ? undefined : wantPeersAction(count, pex, now);
  }
}
