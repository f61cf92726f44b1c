// What the WebSocket tracker client (tracker-client.ts) is given: the socket and the WebRTC peers it signals are
// injected, so Vitest drives it with fakes, and hooks tell it what the rest of the page knows.
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { TrackerStatus } from '../../lib/links/trackers';

/** The parts of a browser WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** The parts of a simple-peer the client uses for signalling (trickle off: one signal per side). */
export interface SignalPeer {
  once(event: 'signal', listener: (data: SignalDescription) => void): unknown;
  signal(data: SignalDescription): void;
  destroy(): void;
  readonly destroyed: boolean;
}

export interface AnnounceNumbers {
  uploaded: number;
  downloaded: number;
  /** Bytes left, or null when unknown (a magnet link before its metadata). */
  left: number | null;
}

export interface TrackerHooks<P extends SignalPeer> {
  /** Creates a WebRTC peer for a torrent (the connection manager registers and wires it); none when the page may
   * hold no more connections. */
  createPeer(infoHashHex: string, initiator: boolean): P | undefined;
  /**
   * The tracker matched a peer with a remote peer: an offer arrived (before answering) or an answer arrived
   * for one of our offers. Return false to refuse (already connected to that peer, or too many connections);
   * the client then destroys the peer.
   */
  matched(infoHashHex: string, peer: P, remotePeerIdHex: string, initiator: boolean): boolean;
  /** Whether to answer another incoming offer for the torrent (connection cap). */
  acceptsOffer(infoHashHex: string, remotePeerIdHex: string): boolean;
  /** Current transfer numbers for an announce. */
  numbers(infoHashHex: string): AnnounceNumbers;
  /** A tracker's state changed for a torrent. */
  status?(infoHashHex: string, status: TrackerStatus): void;
  /** Open connections of the torrent: no offers go to a tracker whose swarm has nobody else to meet. */
  connectedCount?(infoHashHex: string): number;
  /** How many of `wanted` offers an announce of the torrent may make now (the page's connection places,
   * connection-budget.ts; fewer once it has neighbours, tracker-offer-cap.ts; default all of them). */
  offerRoom?(infoHashHex: string, wanted: number): number;
}

export interface TrackerClientOptions<P extends SignalPeer> extends TrackerHooks<P> {
  createSocket(url: string): SocketLike;
  /** Random numbers for the reconnect jitter (default Math.random). */
  random?: () => number;
  /** Random bytes for offer ids and peer ids (default crypto.getRandomValues). */
  randomBytes?: (n: number) => Uint8Array;
  /** Unanswered offers are destroyed after this long (WebTorrent: 50 s). */
  offerTimeoutMs?: number;
  /** Wait at most this long for the offers of one announce to gather their ICE candidates. */
  offerGatherTimeoutMs?: number;
  /** Re-announce interval until the tracker says otherwise. */
  defaultIntervalMs?: number;
  /** Offers per announce per tracker. */
  maxOffers?: number;
  /** Reconnect backoff: first delay and cap. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** An announce asking for more peers is not sent more often than this per tracker and torrent. */
  minWantAnnounceMs?: number;
}
