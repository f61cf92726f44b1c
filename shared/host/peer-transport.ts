// One connection as the engine's host sees it: bytes out, bytes in, a close. Every adapter implements it by where its
// connection is read and written: in the browser a data channel the worker holds (worker/transport/owned-channels.ts)
// or one the page holds and relays (relayed-transport.ts); in Node a TCP socket or a WebRTC channel read as one
// (node-host/tcp-peer.ts). The host neither knows nor asks which kind it has.
import type { EngineEvent, PeerKey } from '../engine/contract/engine-types';

/** Where a transport hands what the peer sent and what its sending is doing: the engine host of its torrent. */
export interface PeerReceiver {
  /** A message's bytes from the peer (the receiver keeps the buffer). */
  data(data: ArrayBuffer): void;
  /** Our queue to the peer grew past its backlog mark (true) or drained (false): the engine stops or resumes
   * reading blocks for it. */
  backlog(backlogged: boolean): void;
  /** What the torrent's connections on this transport's side hold that has not left (the engine paces to it), and
   * each connection's part (those holding any). */
  uploadQueue(bytes: number, byPeer?: ReadonlyArray<readonly [string, number]>): void;
}

export interface PeerTransport {
  /** Bytes for the peer. The buffer is the transport's from here: it may be transferred or queued as it is. */
  send(data: ArrayBuffer): void;
  /** Drops a block's `piece` message still queued here, not yet handed to the channel; true if it was dropped. */
  retract(index: number, begin: number, length: number): boolean;
  /** The engine ends the connection, for this reason (the page closes the RTCPeerConnection). */
  close(reason: string): void;
  /** From now on the peer's bytes go to `receiver`; what arrived before goes first, in order. */
  receive(receiver: PeerReceiver): void;
}

/** The receiver that tells a session's events of `peer` straight to `feed` (a host with no more to do with them). */
export function feedingReceiver(peer: PeerKey, feed: (event: EngineEvent) => void): PeerReceiver {
  return {
    data: (data) => feed({ type: 'peer-data', peer, data: new Uint8Array(data) }),
    backlog: (backlogged) => feed({ type: 'peer-backlog', peer, backlogged }),
    uploadQueue: (bytes, byPeer) => feed({ type: 'upload-queue', bytes, ...(byPeer ? { byPeer } : {}) }),
  };
}
