import { describe, expect, it } from 'vitest';
import type { Writable } from 'node:stream';
import * as ws from 'ws';
import { textFrame, textFrames } from './frames';

// ws's frame parser (exported by ws, not typed by @types/ws): a Writable that emits 'message'.
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => Writable;
};

/** The text messages ws's own receiver (a client's) reads from `bytes`. */
function read(bytes: Buffer): string[] {
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  const messages: string[] = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    messages.push(data.toString('utf8'));
  });
  receiver.on('error', (error: Error) => {
    throw error;
  });
  receiver.write(bytes);
  receiver.end();
  return messages;
}

describe('text frames', () => {
  // Each payload length class of the header: 7-bit, 16-bit and 64-bit, at its edges, with multi-byte characters.
  const texts = [
    '',
    'a',
    'x'.repeat(125),
    'é'.repeat(63),
    'y'.repeat(126),
    'z'.repeat(65_535),
    'ü'.repeat(40_000),
  ];

  it('reads back as the same text, one message per frame', () => {
    for (const text of texts) expect(read(textFrame(text))).toEqual([text]);
  });

  it('puts several messages one after the other in one buffer', () => {
    expect(read(textFrames(texts))).toEqual(texts);
    const single = texts.map((text) => textFrame(text));
    expect(textFrames(texts)).toEqual(Buffer.concat(single));
  });
});
