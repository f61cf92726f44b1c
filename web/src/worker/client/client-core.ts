// What the client's rooms share: the torrents, the context every torrent host runs in, storage, and the publisher.
import type { TorrentInfo } from '../../../../shared/metainfo';
import type { V2Options } from '../../../../shared/engine/types';
import type { StorageEstimateLike } from '../../lib/storage-room';
import type { HostContext } from '../torrent-host';
import { sessionV2 } from '../v2-session';
import type { ClientStorage } from './client-storage';
import type { ViewPublisher } from './publisher';
import type { TorrentRegistry } from './registry';

export interface ClientCore {
  readonly registry: TorrentRegistry;
  readonly ctx: HostContext;
  readonly storage: ClientStorage;
  readonly publisher: ViewPublisher;
  /** The browser's storage quota and usage, checked before a torrent of known size is added. */
  readonly estimateStorage: () => Promise<StorageEstimateLike | undefined>;
}

/** The hashes a torrent's metadata is checked with. */
export function hashers(core: ClientCore): Pick<HostContext, 'sha1' | 'sha256'> {
  return { sha1: core.ctx.sha1, sha256: core.ctx.sha256 };
}

/**
 * A hybrid's v2 options for its session (v2-session.ts), with `given` piece layers or else those stored for it;
 * undefined for a v1 torrent.
 */
export async function v2Of(
  core: ClientCore,
  info: TorrentInfo,
  given?: ReadonlyMap<string, Uint8Array>,
): Promise<V2Options | undefined> {
  const v2 = await sessionV2(info.infoBytes, hashers(core), given, core.ctx.nodeHash);
  if (!v2 || v2.pieceLayers) return v2;
  const stored = await core.storage.storedLayers(info.infoHashHex);
  return stored && stored.size > 0 ? { ...v2, pieceLayers: stored } : v2;
}
