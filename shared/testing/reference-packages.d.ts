// Minimal types for the reference packages the codec tests cross-check against (they ship no types).

declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(bytes: Uint8Array, encoding?: string): unknown;
  };
  export default bencode;
}

declare module 'magnet-uri' {
  interface MagnetUri {
    infoHash?: string;
    infoHashBuffer?: Uint8Array;
    name?: string;
    dn?: string;
    xl?: string;
    announce: string[];
    urlList: string[];
    [key: string]: unknown;
  }
  export function decode(uri: string): MagnetUri;
  export function encode(parsed: Record<string, unknown>): string;
  export default decode;
}

declare module 'parse-torrent' {
  interface ParsedTorrent {
    infoHash: string;
    infoHashBuffer?: Uint8Array;
    name?: string;
    announce: string[];
    urlList: string[];
    private?: boolean;
    comment?: string;
    createdBy?: string;
    created?: Date;
    length?: number;
    pieceLength?: number;
    lastPieceLength?: number;
    pieces?: string[];
    files?: { path: string; name: string; length: number; offset: number }[];
    info?: Record<string, unknown>;
  }
  export default function parseTorrent(torrentId: unknown): Promise<ParsedTorrent>;
  export function toTorrentFile(parsed: Record<string, unknown>): Uint8Array;
}

declare module 'create-torrent' {
  interface CreateTorrentOptions {
    name?: string;
    comment?: string;
    createdBy?: string;
    creationDate?: Date | number;
    private?: boolean;
    pieceLength?: number;
    announceList?: string[][];
    urlList?: string[];
    filterJunkFiles?: boolean;
  }
  export default function createTorrent(
    input: unknown,
    opts: CreateTorrentOptions,
    cb: (err: Error | null, torrent: Uint8Array) => void,
  ): void;
}
