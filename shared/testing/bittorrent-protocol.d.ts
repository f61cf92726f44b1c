// Minimal types for `bittorrent-protocol` (WebTorrent's wire, no types shipped), used by the wire cross-check.

declare module 'bittorrent-protocol' {
  import type { Duplex } from 'node:stream';

  class Wire extends Duplex {
    constructor(type?: string, peEnabled?: number);
    peerChoking: boolean;
    use(extension: unknown): void;
    /** The extended handshake it sends, minus `m`. */
    extendedHandshake: Record<string, unknown>;
    /** Present after `use(utMetadata(...))`. */
    ut_metadata?: import('node:events').EventEmitter & { fetch(): void };
    handshake(
      infoHash: string | Uint8Array,
      peerId: string | Uint8Array,
      extensions?: Record<string, unknown>,
    ): void;
    keepAlive(): void;
    choke(): void;
    unchoke(): void;
    interested(): void;
    uninterested(): void;
    have(index: number): void;
    bitfield(bitfield: Uint8Array): void;
    request(
      index: number,
      offset: number,
      length: number,
      cb: (error: Error | null, block?: Uint8Array) => void,
    ): void;
    piece(index: number, offset: number, block: Uint8Array): void;
    cancel(index: number, offset: number, length: number): void;
    port(port: number): void;
    haveAll(): void;
    haveNone(): void;
    extended(ext: number | string, payload: Uint8Array | Record<string, unknown>): void;
  }
  export default Wire;
}

declare module 'ut_metadata' {
  /** A bittorrent-protocol extension serving `metadata` (the info dictionary) or fetching it when absent. */
  export default function utMetadata(metadata?: Uint8Array): unknown;
}
