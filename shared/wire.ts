// API CONTRACT (stub): the wire helper replaces the bodies; keep the exported names and types.

export const BLOCK_SIZE = 16 * 1024;
/** The largest message the decoder accepts (a 128 KiB block plus header, or a bitfield of a very large torrent). */
export const MAX_MESSAGE_LENGTH = 1024 * 1024 + 13;

export interface Handshake {
  infoHash: Uint8Array; // 20 bytes
  peerId: Uint8Array; // 20 bytes
  reserved: Uint8Array; // 8 bytes; bit 0x10 of byte 5 = BEP 10 extension protocol, bit 0x04 of byte 7 = BEP 6 fast
}

export type WireMessage =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  | { type: 'bitfield'; bytes: Uint8Array }
  | { type: 'request'; index: number; begin: number; length: number }
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | { type: 'cancel'; index: number; begin: number; length: number }
  | { type: 'port'; port: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  | { type: 'extended'; id: number; payload: Uint8Array };

export class WireError extends Error {
  override name = 'WireError';
}

/** Reserved bytes announcing BEP 10 (and BEP 6 when `fast`). */
export function reservedBytes(_options?: { extended?: boolean; fast?: boolean }): Uint8Array {
  throw new Error('not implemented');
}
export function supportsExtended(_reserved: Uint8Array): boolean {
  throw new Error('not implemented');
}
export function supportsFast(_reserved: Uint8Array): boolean {
  throw new Error('not implemented');
}

export function encodeHandshake(_handshake: Handshake): Uint8Array {
  throw new Error('not implemented');
}

/** Length-prefixed encoding of one message. */
export function encodeMessage(_message: WireMessage): Uint8Array {
  throw new Error('not implemented');
}

/**
 * Incremental decoder of one peer's byte stream: push any split or coalesced chunks, get whole items back.
 * The first item is always the handshake. Throws WireError on malformed input (the caller closes the peer);
 * after a throw the decoder is unusable.
 */
export class WireDecoder {
  constructor(_options?: { maxMessageLength?: number; expectHandshake?: boolean }) {}
  push(
    _chunk: Uint8Array,
  ): Array<{ kind: 'handshake'; handshake: Handshake } | { kind: 'message'; message: WireMessage }> {
    throw new Error('not implemented');
  }
}
