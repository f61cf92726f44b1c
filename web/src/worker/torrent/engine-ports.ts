// The worker's side of the engine's actions (see shared/engine/session/executor.ts): bytes to the main thread, SHA-1
// and SHA-256, storage and reads (piece-io.ts), announces, and what the host does when the metadata came, the piece
// layers are known, or the download completed.
import type { EnginePorts, SwarmPorts } from '../../../../shared/engine/session/executor';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { AnnounceStats } from '../../lib/messages/protocol';
import { blockHashes } from '../v2/v2-session';
import type { HostContext } from './context';
import { errorMessage } from './errors';
import { readBlock, storePiece, type PieceIoHost } from './piece-io';
import type { PeerLinks } from './peer-links';
import type { WebSeedFetcher } from '../../net/web-seed-fetch';

/** Messages below this size are copied rather than transferred (cheap, and safe if the engine reuses them). */
export const TRANSFER_MIN_BYTES = 4096;

export interface PortsHost extends PieceIoHost {
  /** The session's `error` action: the torrent stops with the reason. */
  fail(reason: string): void;
  ctx: Pick<HostContext, 'post' | 'sha1' | 'sha256' | 'blockHashes' | 'keep'>;
  infoHashHex: string;
  peers: PeerLinks;
  /** A paused torrent has no tracker clients running. */
  paused(): boolean;
  announceStats(): AnnounceStats;
  metadata(info: TorrentInfo): void;
  layersKnown(): void;
  complete(): void;
  /** The torrent's web seed requests (BEP 19). */
  webSeeds: WebSeedFetcher;
}

/** The ports for one action of the session; `current`: whether that session is still the torrent's. */
export function enginePorts(host: PortsHost, current: () => boolean): EnginePorts {
  return {
    ...peerPorts(host),
    ...hashPorts(host),
    store: (index, data, reply) => storePiece(host, { index, data }, reply, current),
    read: (_peer, index, begin, length, reply) => readBlock(host, { index, begin, length }, reply, current),
    ...trackerPorts(host),
    metadata: (info) => host.metadata(info),
    layersKnown: () => host.layersKnown(),
    webSeedFetch: (action, emit) => {
      if (current()) host.webSeeds.fetch(action, emit);
    },
    webSeedAbort: (request) => host.webSeeds.abort(request),
    complete: () => host.complete(),
    swarm: swarmPorts(host, current),
    error: (reason) => {
      if (current()) host.fail(reason);
    },
  };
}

function peerPorts(host: PortsHost): Pick<EnginePorts, 'send' | 'close' | 'retract'> {
  const { ctx, peers } = host;
  return {
    retract: (peer, index, begin, length) => peers.transport(peer)?.retract(index, begin, length) ?? false,
    send: (peer, data) => peers.transport(peer)?.send(transferable(data, ctx.keep)),
    close: (peer, reason) => peers.close(peer, reason),
  };
}

function hashPorts(host: PortsHost): Pick<EnginePorts, 'hash' | 'hashBlocks'> {
  const { ctx } = host;
  return {
    hash: (data, reply) => {
      ctx.sha1(data).then(reply.ok, (error: unknown) => reply.fail(errorMessage(error)));
    },
    hashBlocks: (data, reply, urgent) => {
      const hashed = ctx.blockHashes ? ctx.blockHashes(data, urgent) : blockHashes(data, ctx.sha256);
      hashed.then(reply.ok, (error: unknown) => reply.fail(errorMessage(error)));
    },
  };
}

function trackerPorts(host: PortsHost): Pick<EnginePorts, 'announce' | 'wantPeers'> {
  const { ctx, infoHashHex } = host;
  return {
    announce: (event) => {
      // A paused torrent has no tracker clients running (its first event may still yield `started`).
      if (host.paused() && event !== 'stopped') return;
      ctx.post({ type: 'announce', infoHashHex, ...(event ? { event } : {}), stats: host.announceStats() });
    },
    wantPeers: (count, swarm) => {
      if (!host.paused()) ctx.post({ type: 'want-peers', infoHashHex, count, ...(swarm ? { swarm } : {}) });
    },
  };
}

/** Peer exchange's meetings: the page makes their WebRTC connections (net/page/swarm-meetings.ts), and its
 * `signal-out` and `meet-failed` come back to the session through the router. */
function swarmPorts(host: PortsHost, current: () => boolean): SwarmPorts {
  const { ctx, infoHashHex } = host;
  return {
    meet: (peer) => {
      if (current()) ctx.post({ type: 'meet-peer', infoHashHex, peer });
    },
    signal: (action) => {
      if (!current()) return;
      const payload = action.payload ? action.payload.slice().buffer : undefined;
      ctx.post(
        {
          type: 'signal-in',
          infoHashHex,
          from: action.from,
          kind: action.kind,
          ...(payload ? { payload } : {}),
        },
        payload ? [payload] : undefined,
      );
    },
    ended: (peer) => ctx.post({ type: 'meet-ended', infoHashHex, peer }),
  };
}

/** The bytes of `data` as an ArrayBuffer the main thread can own: the buffer itself when the view covers it (and is
 * large and not in use elsewhere: `keep`), otherwise a copy of just the view's bytes. */
export function transferable(data: Uint8Array, keep: WeakSet<ArrayBufferLike>): ArrayBuffer {
  const buffer = data.buffer;
  if (
    buffer instanceof ArrayBuffer &&
    data.byteOffset === 0 &&
    data.byteLength === buffer.byteLength &&
    data.byteLength >= TRANSFER_MIN_BYTES &&
    !keep.has(buffer)
  ) {
    return buffer;
  }
  return data.slice().buffer;
}
