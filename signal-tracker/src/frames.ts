// WebSocket text frames as a server writes them (RFC 6455 5.2: unfragmented, unmasked), several to one buffer, so
// the socket layer can write a turn's messages to a socket in one call.

/** The length of a server frame's header (no mask) for a payload of `length` bytes (RFC 6455 5.2). */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/** Writes the header of an unfragmented, unmasked text frame at `offset`; returns where the payload starts. */
function writeHeader(buffer: Buffer, offset: number, length: number): number {
  buffer[offset] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) {
    buffer[offset + 1] = length;
    return offset + 2;
  }
  if (length < 0x10000) {
    buffer[offset + 1] = 126;
    buffer.writeUInt16BE(length, offset + 2);
    return offset + 4;
  }
  buffer[offset + 1] = 127;
  buffer.writeUInt32BE(Math.floor(length / 0x100000000), offset + 2);
  buffer.writeUInt32BE(length >>> 0, offset + 6);
  return offset + 10;
}

/** One text frame of `text`. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const buffer = Buffer.allocUnsafe(headerLength(length) + length);
  buffer.write(text, writeHeader(buffer, 0, length));
  return buffer;
}

/** Text frames of `texts`, one after the other in one buffer. */
export function textFrames(texts: string[]): Buffer {
  const lengths = texts.map((text) => Buffer.byteLength(text));
  let total = 0;
  for (const length of lengths) total += headerLength(length) + length;
  const buffer = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < texts.length; i++) {
    const start = writeHeader(buffer, offset, lengths[i]);
    buffer.write(texts[i], start);
    offset = start + lengths[i];
  }
  return buffer;
}
