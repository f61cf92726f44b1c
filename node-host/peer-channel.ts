// A WebRTC peer of bittorrent-tracker's client (@thaunknown/simple-peer, a streamx Duplex over node-datachannel) as
// the socket a torrent's peer reads (tcp-peer.ts). When the far end closes the channel or the connection, or ICE
// fails, node-datachannel tells simple-peer (within milliseconds of a closed channel), and simple-peer tears its
// connection down through its own `__destroy`, which never destroys the stream: it emits `end`, `finish`,
// `disconnect` and perhaps `error`, never `close`. The torrent would hold such a peer until its idle timeout (150 s),
// or for ever while keep-alives go out, and refuse the far end's fresh connection as a second one from the same peer
// id. So a `disconnect` closes the socket here.
//
// A streamx Duplex has no `writableLength`: the socket's is given here, what the peer holds unsent (its stream's queue
// and its channel's `bufferedAmount`, simple-peer's `bufferSize`), which the torrent's peer reads for its backlog and
// its upload-queue report (tcp-peer.ts).
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/** The parts of a simple-peer instance read here. */
export interface PeerStream extends EventEmitter {
  destroy(): void;
  /** The channel's `bufferedAmount` (0 without a channel). */
  readonly bufferSize?: number;
  /** streamx's queue of writes not yet handed to the channel (null once the stream is destroyed). */
  readonly _writableState?: { readonly buffered: number } | null;
}

/** `peer` as a socket that closes when its connection is torn down, from either end (after our own destroy the stream
 * closes a second time: the torrent's peer and the swarm take the first). The torrent's peer reads only the parts of a
 * socket it shares with a Duplex (data, drain, close, write, destroy, remoteAddress), setNoDelay (a channel has no
 * Nagle to turn off) and writableLength (given here). */
export function channelSocket(peer: PeerStream): Socket {
  const stream = peer as PeerStream & { setNoDelay?: () => unknown };
  stream.setNoDelay = () => stream;
  Object.defineProperty(stream, 'writableLength', {
    get: () => (stream._writableState?.buffered ?? 0) + (stream.bufferSize ?? 0),
  });
  let closed = false;
  stream.once('close', () => (closed = true));
  stream.once('disconnect', () => {
    if (!closed) stream.emit('close');
  });
  return stream as unknown as Socket;
}
