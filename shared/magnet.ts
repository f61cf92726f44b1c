// API CONTRACT (stub): the codec helper replaces the bodies; keep the exported names and types.

export interface MagnetLink {
  infoHash: Uint8Array; // 20 bytes
  infoHashHex: string; // 40 lowercase hex chars
  name?: string; // dn
  trackers: string[]; // tr, in order, deduplicated
  length?: number; // xl
}

export class MagnetError extends Error {
  override name = 'MagnetError';
}

/** Parses a magnet URI, or a bare 40-hex / 32-base32 info hash. Throws MagnetError with a clear message. */
export function parseMagnet(_input: string): MagnetLink {
  throw new Error('not implemented');
}

export function formatMagnet(_link: {
  infoHash: Uint8Array;
  name?: string;
  trackers?: string[];
  length?: number;
}): string {
  throw new Error('not implemented');
}

export function toHex(_bytes: Uint8Array): string {
  throw new Error('not implemented');
}
export function fromHex(_hex: string): Uint8Array {
  throw new Error('not implemented');
}
