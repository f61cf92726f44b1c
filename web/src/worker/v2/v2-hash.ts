// The v2 info hash of a torrent the engine runs by its v1 hash: a hybrid (`meta version` 2) is also known by the
// SHA-256 of its info dictionary, which its magnet link carries beside the v1 one (`xt=urn:btmh:1220…`) and its
// tracker announce names as the v1 hash's alias. One hash of a few kilobytes: computed at once in the calling
// thread (@noble/hashes), so the torrent's first announce already names it.
import { decodeInfoDict } from '../../../../shared/codec/metainfo';
import { sha1Sync, sha256Sync } from '../../lib/hash';

/** SHA-256 of the info dictionary when it has a v2 part (`meta version` 2), else undefined. */
export function v2InfoHash(infoBytes: Uint8Array): Uint8Array | undefined {
  if (decodeInfoDict(infoBytes)['meta version'] !== 2) return undefined;
  return sha256Sync(infoBytes);
}

/** The v1 info hash (SHA-1 of the info dictionary) when it has a v1 part (`pieces`: v1 or hybrid), else undefined:
 * a hybrid joined by a btmh-only magnet link is also known by it. */
export function v1InfoHash(infoBytes: Uint8Array): Uint8Array | undefined {
  if (decodeInfoDict(infoBytes).pieces === undefined) return undefined;
  return sha1Sync(infoBytes);
}
