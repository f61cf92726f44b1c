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
