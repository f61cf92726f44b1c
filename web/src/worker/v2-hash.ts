// The v2 info hash of a torrent the engine runs by its v1 hash: a hybrid (`meta version` 2) is also known by the
// SHA-256 of its info dictionary, which its magnet link carries beside the v1 one (`xt=urn:btmh:1220…`).
import type { Sha256 } from '../../../shared/merkle';
import { decodeInfoDict } from '../../../shared/metainfo';

/** SHA-256 of the info dictionary when it has a v2 part (`meta version` 2), else undefined. */
export async function v2InfoHash(infoBytes: Uint8Array, sha256: Sha256): Promise<Uint8Array | undefined> {
  if (decodeInfoDict(infoBytes)['meta version'] !== 2) return undefined;
  return sha256(infoBytes);
}
