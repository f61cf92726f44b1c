// One connection as the engine's host sees it: bytes out, bytes in, a close. Two kinds implement it, by where the
// connection's data channel is read and written: a channel this worker holds (owned-channels.ts: the page moved it
// here when it was created) and a channel the page holds and relays (relayed-transport.ts). The host neither knows
// nor asks which kind it has.
import type { WorkerToMain } from '../../lib/messages/protocol';

/** Posts a message to the page (transferring the buffers listed). */
export type PostToPage = (message: WorkerToMain, transfer?: Transferable[]) => void;

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
