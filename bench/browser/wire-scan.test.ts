import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../shared/codec/bytes';
import { encodeMessage } from '../../shared/codec/wire-messages';
import { encodeHandshake } from '../../shared/codec/wire';
import { WIRE_SCAN } from './wire-scan';

type Scan = (channel: object, data: unknown, onMessage: (name: string, index?: number) => void) => boolean;

/** A scanner as the benches' injected code gets it (the string evaluated, then `benchWireScanner()`). */
function scanner(): Scan {
  (0, eval)(WIRE_SCAN);
  return (globalThis as unknown as { benchWireScanner(): Scan }).benchWireScanner();
}

describe('WIRE_SCAN', () => {
  const stream = concatBytes([
    encodeHandshake({
      reserved: new Uint8Array(8),
      infoHash: new Uint8Array(20),
      peerId: new Uint8Array(20),
    }),
    encodeMessage({ type: 'interested' }),
    encodeMessage({ type: 'request', index: 300, begin: 16384, length: 16384 }),
    encodeMessage({ type: 'piece', index: 70000, begin: 0, block: new Uint8Array(100) }),
    new Uint8Array(4), // a keep-alive
    encodeMessage({ type: 'cancel', index: 5, begin: 0, length: 16384 }),
  ]);
  const expected = [
    ['handshake'],
    ['interested'],
    ['request', 300],
    ['piece', 70000],
    ['keep-alive'],
    ['cancel', 5],
  ];

  it('names each message in a channel’s stream, with its piece, whole or cut anywhere', () => {
    for (const cut of [1, 3, 7, 68, 70, 75, stream.length]) {
      const scan = scanner();
      const channel = {};
      const seen: unknown[][] = [];
      for (let at = 0; at < stream.length; at += cut)
        expect(
          scan(channel, stream.subarray(at, at + cut), (...message) =>
            seen.push(message.filter((x) => x !== undefined)),
          ),
        ).toBe(true);
      expect(seen).toEqual(expected);
    }
  });

  it('keeps each channel’s place apart, and passes over what is not bytes', () => {
    const scan = scanner();
    const seen: string[] = [];
    const [a, b] = [{}, {}];
    scan(a, stream.subarray(0, 70), (name) => seen.push(`a ${name}`));
    scan(b, stream.buffer.slice(0, 68), (name) => seen.push(`b ${name}`));
    scan(a, stream.subarray(70, 73), (name) => seen.push(`a ${name}`));
    expect(scan(b, 'text', () => seen.push('b text'))).toBe(false);
    expect(seen).toEqual(['a handshake', 'b handshake', 'a interested']);
  });
});
