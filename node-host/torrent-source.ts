// What a host needs from a .torrent of any kind (v1, v2-only, hybrid): the engine's view of its pieces, the v2 view
// and piece layers for a v2 or hybrid session, and where its files lie.
import { parseAnyTorrent } from '../shared/codec/metainfo-v2';
import type { TorrentInfo } from '../shared/codec/metainfo';
import { v2PieceMap } from '../shared/codec/v2-pieces';
import type { V2Options } from '../shared/engine/contract/engine-types';
import { hashers, nodeHash } from './hashing';

export interface TorrentSource {
  /** The engine's view: the v1 one of a v1 or hybrid torrent (known by its v1 info hash), the piece map of a v2-only
   * one (known by its truncated v2 info hash). */
  info: TorrentInfo;
  /** Present for a v2 or hybrid torrent: the session then speaks BEP 52. */
  v2?: V2Options;
  /** The SHA-256 info hash of a v2 or hybrid torrent (hex). */
  v2InfoHashHex?: string;
}

/** Reads a .torrent. Throws MetainfoError when it is not one. */
export async function readTorrent(bytes: Uint8Array): Promise<TorrentSource> {
  const { info: any, pieceLayers } = await parseAnyTorrent(bytes, hashers);
  const info = any.v1 ?? v2PieceMap(any.v2!);
  if (!any.v2) return { info };
  return {
    info,
    v2: { info: any.v2, ...(pieceLayers.size > 0 ? { pieceLayers } : {}), nodeHash },
    v2InfoHashHex: any.v2.infoHashHex,
  };
}
