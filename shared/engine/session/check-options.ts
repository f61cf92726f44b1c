// The checks on a session's options that no room makes: a bad option throws when the session is made, not later
// in the middle of a swarm.
import type { SessionOptions } from '../contract/engine-types';

export function checkOptions(options: SessionOptions, uploadCap: number | undefined): void {
  if (!(options.infoHash instanceof Uint8Array) || options.infoHash.length !== 20)
    throw new RangeError('infoHash must be 20 bytes');
  if (!(options.peerId instanceof Uint8Array) || options.peerId.length !== 20)
    throw new RangeError('peerId must be 20 bytes');
  if (uploadCap !== undefined && !(uploadCap > 0)) throw new RangeError(`invalid upload cap ${uploadCap}`);
}
