// SHA-1 through SubtleCrypto: the same code runs in the worker, the main thread and Node (globalThis.crypto).
import type { Sha1 } from '../../../shared/codec/metainfo';

/** SHA-1 of `data` (any view; SubtleCrypto reads just the view's bytes). */
export const subtleSha1: Sha1 = async (data) => {
  const digest = await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>);
  return new Uint8Array(digest);
};

// SHA-256 (leaves through SubtleCrypto, 64-byte inner nodes by the measured choice) lives in sha256.ts.
export { subtleSha256, appSha256 } from './sha256';
