// The session's metadata exchange (BEP 9, metadata/metadata-exchange.ts) wired to its connections, its checks and
// its v2 join: fetched metadata is hashed by the adapter (SHA-1), or checked here against a btmh-only magnet's
// SHA-256.
import type { TorrentInfo } from '../../codec/metainfo';
import { MetadataExchange } from '../metadata/metadata-exchange';
import type { Connections } from '../peer/connections';
import type { V2Join } from '../v2/v2-join';
import type { PieceChecks } from './piece-checks';

export interface MetadataHost {
  readonly infoHash: Uint8Array;
  readonly join: V2Join;
  readonly connections: Connections;
  readonly checks: PieceChecks;
  info(): TorrentInfo | undefined;
  /** The metadata's digest, when it is checked here rather than hashed by the adapter. */
  hashed(digest: Uint8Array): void;
  fail(reason: string): void;
}

export function metadataRoom(host: MetadataHost): MetadataExchange {
  const { connections, join } = host;
  return new MetadataExchange(
    host.infoHash,
    {
      peer: (key) => connections.peers.get(key),
      send: (peer, message) => connections.send(peer, message),
      close: (peer, reason) => connections.close(peer, reason),
      hash: (bytes) =>
        join.byV2Magnet ? host.hashed(join.digest(bytes)) : host.checks.hash({ kind: 'metadata' }, bytes),
      info: () => host.info(),
      fail: (reason) => host.fail(reason),
    },
    join.metadataCheck(),
  );
}
