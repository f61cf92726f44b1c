// API CONTRACT (stub): the wire helper replaces the bodies; keep the exported names and types.
// BEP 10 extended handshake and BEP 9 ut_metadata payloads (the bytes inside a `extended` wire message).

export const METADATA_PIECE_SIZE = 16 * 1024;
/** We refuse metadata larger than this (BEP 9 leaves the limit to the client). */
export const MAX_METADATA_SIZE = 8 * 1024 * 1024;

export interface ExtendedHandshake {
  /** Extension name -> the id the sender wants to receive it under (0 = disabled). */
  m: Record<string, number>;
  metadataSize?: number;
  /** Client name and version (`v`). */
  client?: string;
  /** How many outstanding requests the sender accepts. */
  reqq?: number;
}

export function encodeExtendedHandshake(_handshake: ExtendedHandshake): Uint8Array {
  throw new Error('not implemented');
}
/** Throws on malformed payloads. */
export function decodeExtendedHandshake(_payload: Uint8Array): ExtendedHandshake {
  throw new Error('not implemented');
}

export type MetadataMessage =
  | { msgType: 'request'; piece: number }
  | { msgType: 'data'; piece: number; totalSize: number; data: Uint8Array }
  | { msgType: 'reject'; piece: number };

export function encodeMetadataMessage(_message: MetadataMessage): Uint8Array {
  throw new Error('not implemented');
}
/** Throws on malformed payloads. */
export function decodeMetadataMessage(_payload: Uint8Array): MetadataMessage {
  throw new Error('not implemented');
}
