// Minimal types for the reference packages the codec tests cross-check against (they ship no types).

declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(bytes: Uint8Array, encoding?: string): unknown;
  };
  export default bencode;
}
