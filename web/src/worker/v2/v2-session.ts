// A hybrid torrent's v2 side in the worker: the v2 view and piece layers its session is given (the session then
// sets the v2 bit of its handshake, answers and asks for piece layers, and checks each piece against its file's
// merkle tree), and the leaf hashes those checks ask for (`hashBlocks`: 16 KiB blocks through SubtleCrypto).
import type { NodeHash } from '../../../../shared/engine/verify/file-tree';
import type { V2Options } from '../../../../shared/engine/contract/engine-types';
import { HASH_SIZE, leafHashes, type Sha256 } from '../../../../shared/hash/merkle';
import { decodeInfoDict, type TorrentInfo } from '../../../../shared/codec/metainfo';
import { v2PieceMap } from '../../../../shared/codec/v2-pieces';
import { parseAnyInfo, type Hashers, type TorrentInfoV2 } from '../../../../shared/codec/metainfo-v2';
import { toHex } from '../../../../shared/codec/hex';

/**
 * The engine's view of an info dictionary: the v1 one of a v1 or hybrid torrent, the piece map of a v2-only one, or of
 * a hybrid known by its truncated v2 hash (`infoHashHex`: added by a btmh-only magnet link), which then runs by its
 * v2 view. Throws MetainfoError.
 */
export async function engineInfo(
  infoBytes: Uint8Array,
  hashers: Hashers,
  infoHashHex?: string,
): Promise<TorrentInfo> {
  const parsed = await parseAnyInfo(infoBytes, hashers);
  if (parsed.v2 && (!parsed.v1 || parsed.v2.truncatedInfoHashHex === infoHashHex))
    return v2PieceMap(parsed.v2);
  return parsed.v1!;
}

/**
 * The v2 options of a torrent's session: its v2 view and the piece layers known here (a share's, a seeded or added
 * .torrent's; the others are asked of v2 peers). Undefined for a v1 torrent and a hybrid whose v2 part does not
 * parse (its v1 view stands).
 */
export async function sessionV2(
  infoBytes: Uint8Array,
  hashers: Hashers,
  pieceLayers?: ReadonlyMap<string, Uint8Array>,
  /** The inner-node hash of its trees (NodeHash, shared/engine/verify/file-tree.ts); absent, the engine's own. */
  nodeHash?: NodeHash,
): Promise<V2Options | undefined> {
  try {
    if (decodeInfoDict(infoBytes)['meta version'] !== 2) return undefined;
    const parsed = await parseAnyInfo(infoBytes, hashers);
    if (!parsed.v2) return undefined;
    return {
      info: parsed.v2,
      ...(pieceLayers && pieceLayers.size > 0 ? { pieceLayers } : {}),
      ...(nodeHash ? { nodeHash } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The SHA-256 of each 16 KiB block of `data` (the last one as long as what is left), concatenated. */
export async function blockHashes(data: Uint8Array, sha256: Sha256): Promise<Uint8Array> {
  const leaves = await leafHashes(data, sha256);
  const out = new Uint8Array(leaves.length * HASH_SIZE);
  leaves.forEach((leaf, i) => out.set(leaf, i * HASH_SIZE));
  return out;
}

/**
 * The piece layers of every file longer than a piece (by pieces root in hex), read from what a session knows
 * (`expected`: a piece's hash, the torrent's numbering); undefined while one of them is unknown.
 */
export function knownPieceLayers(
  info: TorrentInfoV2,
  expected: (index: number) => { hash: Uint8Array } | undefined,
): Map<string, Uint8Array> | undefined {
  const layers = new Map<string, Uint8Array>();
  for (const file of info.files) {
    if (!file.piecesRoot || file.pieceCount < 2) continue;
    const first = file.offset / info.pieceLength;
    const layer = new Uint8Array(file.pieceCount * HASH_SIZE);
    for (let i = 0; i < file.pieceCount; i++) {
      const piece = expected(first + i);
      if (!piece) return undefined;
      layer.set(piece.hash, i * HASH_SIZE);
    }
    layers.set(toHex(file.piecesRoot), layer);
  }
  return layers;
}
