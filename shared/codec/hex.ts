// Hex and base32 (RFC 4648, no padding) for info hashes and peer ids.

const HEX = '0123456789abcdef';

/** Is it a v1 info hash as the app names torrents: 40 lowercase hex digits? */
export function isInfoHashHex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{40}$/.test(value);
}

/** Lowercase hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte >> 4] + HEX[byte & 15];
  return out;
}

/** Bytes of a hex string (either case). Throws RangeError on odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RangeError(`Hex string has an odd length (${hex.length})`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(hex, 2 * i);
    const lo = hexDigit(hex, 2 * i + 1);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexDigit(hex: string, at: number): number {
  const c = hex.charCodeAt(at);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  throw new RangeError(`Not a hex digit: ${JSON.stringify(hex[at])} at ${at}`);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Uppercase RFC 4648 base32 without padding. */
export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Bytes of an RFC 4648 base32 string (either case, padding optional). Throws RangeError on a character
 * outside the alphabet or leftover bits that are not zero.
 */
export function fromBase32(text: string): Uint8Array {
  const body = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((body.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const value = BASE32.indexOf(String.fromCharCode(c >= 0x61 && c <= 0x7a ? c - 0x20 : c));
    if (value < 0) throw new RangeError(`Not a base32 character: ${JSON.stringify(body[i])} at ${i}`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new RangeError('Base32 string has non-zero trailing bits');
  return out;
}
