// Test helper: SHA-256 through node:crypto (the app injects SubtleCrypto instead).
import { createHash } from 'node:crypto';
import type { Sha256 } from '../hash/merkle';

export const sha256Sync = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());

export const sha256: Sha256 = async (data) => sha256Sync(data);
