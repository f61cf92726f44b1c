// SHA-1 and SHA-256 through node:crypto: what the browser's hosts do with SubtleCrypto and WebAssembly.
import { createHash } from 'node:crypto';
import type { Hashers } from '../shared/codec/metainfo-v2';
import { blockDigests, nodeHashOf } from '../shared/engine/verify/file-tree';

export const sha1Sync = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha1').update(data).digest());
export const sha256Sync = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());

export const hashers: Hashers = {
  sha1: async (data) => sha1Sync(data),
  sha256: async (data) => sha256Sync(data),
};

/** The SHA-256 of each 16 KiB block, concatenated: a v2 piece's leaf hashes. */
export const blockHashes = (data: Uint8Array): Uint8Array => blockDigests(data, sha256Sync);

/** The inner-node hash of v2 trees. */
export const nodeHash = nodeHashOf(sha256Sync);
