// A torrent's swarm on WebRTC, from Node: the WebTorrent tracker's signalling (offers and answers through its
// WebSocket, as a tab does) by `bittorrent-tracker`'s client, data channels by node-datachannel (webrtc-polyfill).
// Each connected channel is handed to the torrent as a peer: the handshake and every message are the engine's. The
// swarm leaves the tracker when its torrent stops (NodeHost.remove).
import Client, { type SignalPeer } from 'bittorrent-tracker';
import { toHex } from '../shared/codec/hex';
import { fireEndOfCandidates } from './end-of-candidates';
import { channelSocket } from './peer-channel';
import type { NodeTorrent } from './node-torrent';
import { StalledPeers, STALL_DROP_MS } from './stalled-peers';

/** How often a swarm with no peer and pieces missing announces again, in ms. */
export const RETRY_MS = 3_000;
/** How often the connected channels are looked at for stalls (StalledPeers), in ms. */
const STALL_CHECK_MS = 1_000;

export interface RtcSwarmOptions {
  /** The tracker's WebSocket address (ws:// or wss://). */
  tracker: string;
  peerId: Uint8Array;
  /** ICE servers (STUN, TURN) as the tracker's /config.json gives them; none: host candidates only. A function is
   * asked again for each new peer connection (a TURN credential minted for each, so none is used past its expiry). */
  iceServers?: unknown[] | (() => unknown[]);
  /** Relay candidates only (`iceTransportPolicy: 'relay'`), as a tab that hides its address through TURN. */
  relayOnly?: boolean;
  /** A channel whose peer has our requests and sent no block for this long is dropped, and fresh offers are sent
   * (default STALL_DROP_MS). */
  stallMs?: number;
}

export interface RtcSwarm {
  /** Peers connected now. */
  readonly peers: () => number;
  /** Channels dropped so far because their peers stalled (StalledPeers). */
  readonly dropped: () => number;
  stop(): Promise<void>;
}

/** Joins `torrent`'s swarm on `options.tracker`, announcing what it has as it goes. */
export function joinRtcSwarm(torrent: NodeTorrent, options: RtcSwarmOptions): RtcSwarm {
  fireEndOfCandidates();
  const channels = new Map<string, SignalPeer>();
  let stopping: Promise<void> | undefined;
  const client = new Client({
    infoHash: torrent.source.info.infoHashHex,
    peerId: toHex(options.peerId),
    announce: [options.tracker],
    port: 6881,
    rtcConfig: rtcConfig(options),
    getAnnounceOpts: () => {
      const stats = torrent.stats();
      return { left: stats.left, uploaded: stats.uploaded, downloaded: stats.downloaded };
    },
  });
  client.on('warning', () => {});
  client.on('error', () => {});
  client.on('peer', (peer: SignalPeer) => {
    peer.on('error', () => {});
    const adopt = () => {
      const key = torrent.accept(channelSocket(peer));
      channels.set(key, peer);
      peer.once('close', () => channels.delete(key));
    };
    if (peer.connected) adopt();
    else peer.once('connect', adopt);
  });
  torrent.once('done', () => client.complete());
  // An offer that never became a channel (node-datachannel loses one now and then to a candidate that comes before
  // its transport), or a channel lost without a close reaching us, would leave a fetch waiting a whole announce
  // interval: while pieces are missing and no connected peer has any of them, announce again, which sends fresh
  // offers.
  const retry = setInterval(() => {
    const stats = torrent.stats();
    if (stats.left > 0 && stats.wantedReachable === 0) client.update();
  }, RETRY_MS);
  const stalls = new StalledPeers(options.stallMs ?? STALL_DROP_MS);
  let dropped = 0;
  const stallCheck = setInterval(() => {
    const count = dropStalled(torrent, channels, stalls);
    dropped += count;
    if (count > 0) client.update();
  }, STALL_CHECK_MS);
  client.start();
  // bittorrent-tracker calls back from its first destroy only.
  const stop = () => {
    clearInterval(retry);
    clearInterval(stallCheck);
    return (stopping ??= new Promise<void>((resolve) => client.destroy(() => resolve())));
  };
  torrent.once('stopped', () => void stop());
  return { peers: () => channels.size, dropped: () => dropped, stop };
}

/** Destroys the channels whose peers stalled while pieces are missing; returns how many. */
function dropStalled(torrent: NodeTorrent, channels: Map<string, SignalPeer>, stalls: StalledPeers): number {
  const stats = torrent.stats();
  if (stats.left === 0) return 0;
  let dropped = 0;
  for (const key of stalls.stalled(stats.peerStats, performance.now())) {
    const channel = channels.get(key);
    if (!channel) continue;
    channels.delete(key);
    channel.destroy();
    dropped++;
  }
  return dropped;
}

/** The configuration of each peer connection. bittorrent-tracker hands the same object to every new peer, and
 * simple-peer copies it then (reading the getter): a function's ICE servers are fresh for each connection. */
function rtcConfig(options: RtcSwarmOptions): { iceServers: unknown[]; iceTransportPolicy: 'all' | 'relay' } {
  const servers = options.iceServers ?? [];
  return {
    get iceServers() {
      return (typeof servers === 'function' ? servers() : servers).map(urlSafeCredential);
    },
    iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
  };
}

/** A server's username and credential percent-encoded: webrtc-polyfill writes them into a `turn:user:pass@host` URL
 * for libdatachannel, which decodes them, so a coturn REST-API username (`<expiry>:<random>`) and a base64 credential
 * (with `/`, `+`, `=`) reach the relay whole instead of cut at their first `:`. */
function urlSafeCredential(server: unknown): unknown {
  const { username, credential } = server as { username?: unknown; credential?: unknown };
  if (typeof username !== 'string' || typeof credential !== 'string') return server;
  return {
    ...(server as object),
    username: encodeURIComponent(username),
    credential: encodeURIComponent(credential),
  };
}
