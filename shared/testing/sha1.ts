// Test helper: SHA-1 through node:crypto (the app injects SubtleCrypto instead).
import { createHash } from 'node:crypto';
import type { Sha1 } from '../codec/metainfo';

export const sha1Sync = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha1').update(data).digest());

export const sha1: Sha1 = async (data) => sha1Sync(data);
