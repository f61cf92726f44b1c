// A torrent's swarm on WebRTC, from Node: the WebTorrent tracker's signalling (offers and answers through its
// WebSocket, as a tab does) by `bittorrent-tracker`'s client, data channels by node-datachannel (webrtc-polyfill).
// Each connected channel is handed to the torrent as a peer: the handshake and every message are the engine's.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import Client, { type SignalPeer } from 'bittorrent-tracker';
import { toHex } from '../shared/codec/hex';
import { fireEndOfCandidates } from './end-of-candidates';
import type { NodeTorrent } from './node-torrent';

export interface RtcSwarmOptions {
  /** The tracker's WebSocket address (ws:// or wss://). */
  tracker: string;
  peerId: Uint8Array;
  /** ICE servers (STUN, TURN) as the tracker's /config.json gives them; none: host candidates only. */
  iceServers?: unknown[];
}

export interface RtcSwarm {
  /** Peers connected now. */
  readonly peers: () => number;
  stop(): Promise<void>;
}

/** Joins `torrent`'s swarm on `options.tracker`, announcing what it has as it goes. */
export function joinRtcSwarm(torrent: NodeTorrent, options: RtcSwarmOptions): RtcSwarm {
  fireEndOfCandidates();
  let connected = 0;
  const client = new Client({
    infoHash: torrent.source.info.infoHashHex,
    peerId: toHex(options.peerId),
    announce: [options.tracker],
    port: 6881,
    rtcConfig: { iceServers: options.iceServers ?? [] },
    getAnnounceOpts: () => {
      const stats = torrent.stats();
      const left = stats.state === 'seeding' ? 0 : torrent.source.info.length;
      return { left, uploaded: stats.uploaded, downloaded: stats.downloaded };
    },
  });
  client.on('warning', () => {});
  client.on('error', () => {});
  client.on('peer', (peer: SignalPeer) => {
    peer.on('error', () => {});
    const adopt = () => {
      connected++;
      peer.once('close', () => connected--);
      torrent.accept(channelSocket(peer));
    };
    if (peer.connected) adopt();
    else peer.once('connect', adopt);
  });
  torrent.once('done', () => client.complete());
  client.start();
  return {
    peers: () => connected,
    stop: () => new Promise<void>((resolve) => client.destroy(() => resolve())),
  };
}

/** A simple-peer channel is a Duplex already; the torrent's peer reads only the parts of a socket it shares with one
 * (data, drain, close, write, writableLength, destroy, remoteAddress), plus one it gets here: no Nagle to turn
 * off. */
function channelSocket(peer: SignalPeer): Socket {
  const stream = peer as unknown as Duplex & { setNoDelay?: () => unknown };
  stream.setNoDelay = () => stream;
  return stream as unknown as Socket;
}
