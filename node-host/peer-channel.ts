// A WebRTC peer of bittorrent-tracker's client (@thaunknown/simple-peer, a streamx Duplex over node-datachannel) as
// the socket a torrent's peer reads (tcp-peer.ts). When the far end closes the channel or the connection, or ICE
// fails, node-datachannel tells simple-peer (within milliseconds of a closed channel), and simple-peer tears its
// connection down through its own `__destroy`, which never destroys the stream: it emits `end`, `finish`,
// `disconnect` and perhaps `error`, never `close`. The torrent would hold such a peer until its idle timeout (150 s),
// or for ever while keep-alives go out, and refuse the far end's fresh connection as a second one from the same peer
// id. So a `disconnect` closes the socket here.
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/** The parts of a simple-peer instance read here. */
export interface PeerStream extends EventEmitter {
  destroy(): void;
}

/** `peer` as a socket that closes when its connection is torn down, from either end (after our own destroy the stream
 * closes a second time: the torrent's peer and the swarm take the first). The torrent's peer reads only the parts of a
 * socket it shares with a Duplex (data, drain, close, write, writableLength, destroy, remoteAddress), and setNoDelay:
 * a channel has no Nagle to turn off. */
export function channelSocket(peer: PeerStream): Socket {
  const stream = peer as PeerStream & { setNoDelay?: () => unknown };
  stream.setNoDelay = () => stream;
  let closed = false;
  stream.once('close', () => (closed = true));
  stream.once('disconnect', () => {
    if (!closed) stream.emit('close');
  });
  return stream as unknown as Socket;
}
