// SHA-1 through SubtleCrypto: the same code runs in the worker, the main thread and Node (globalThis.crypto).
import type { Sha256 } from '../../../shared/merkle';
import type { Sha1 } from '../../../shared/metainfo';

/** SHA-1 of `data` (any view; SubtleCrypto reads just the view's bytes). */
export const subtleSha1: Sha1 = async (data) => {
  const digest = await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>);
  return new Uint8Array(digest);
};

/** SHA-256 of `data` through SubtleCrypto (BEP 52's merkle leaves and nodes, v2 info hashes). */
export const subtleSha256: Sha256 = async (data) => {
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return new Uint8Array(digest);
};
