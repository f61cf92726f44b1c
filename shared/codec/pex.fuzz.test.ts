// Property tests of the sd_pex codec: whatever a hostile neighbour sends decodes or is a PexError, never another
// exception, and whatever we encode decodes back to itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode, type BDict, type BValue } from './bencode';
import {
  MAX_PEX_ENTRIES,
  MAX_SIGNAL_PAYLOAD,
  PexError,
  decodePexMessage,
  encodePexMessage,
  type PexMessage,
} from './pex';

/** How a decode ended: the message type, or 'PexError'. Any other exception fails the property. */
function outcome(bytes: Uint8Array): string {
  try {
    return decodePexMessage(bytes).t;
  } catch (error) {
    if (error instanceof PexError) return 'PexError';
    throw error;
  }
}

const peerId = fc.uint8Array({ minLength: 20, maxLength: 20 });
const kind = fc.constantFrom('offer' as const, 'answer' as const);
const payload = fc.uint8Array({ minLength: 1, maxLength: 300 });

const message: fc.Arbitrary<Exclude<PexMessage, { t: 'unknown' }>> = fc.oneof(
  fc.record({
    t: fc.constant('peers' as const),
    added: fc.array(fc.record({ id: peerId, progress: fc.integer({ min: 0, max: 1000 }) }), {
      maxLength: MAX_PEX_ENTRIES,
    }),
    dropped: fc.array(peerId, { maxLength: MAX_PEX_ENTRIES }),
    full: fc.boolean(),
  }),
  fc.record({ t: fc.constant('relay' as const), to: peerId, kind, payload }),
  fc.record({ t: fc.constant('signal' as const), from: peerId, kind, payload }),
  fc.record({ t: fc.constant('error' as const), to: peerId, code: fc.integer({ min: 0, max: 255 }) }),
);

const value: fc.Arbitrary<BValue> = fc.letrec<{ value: BValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -2, max: 2000 }),
    fc.uint8Array({ maxLength: 24 }),
    fc.constantFrom(new Uint8Array(20), new Uint8Array(MAX_SIGNAL_PAYLOAD + 1)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom('t', 'a', 'd', 'f', 'i', 'p', 'to', 'from', 'k', 'x', 'e', '__proto__'),
      tie('value'),
      {
        maxKeys: 5,
      },
    ) as fc.Arbitrary<BValue>,
  ),
})).value;

describe('sd_pex codec properties', () => {
  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodePexMessage(encodePexMessage(m))).toEqual(m);
      }),
    );
  });

  it('answers random bytes with a message or a PexError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void outcome(bytes)));
  });

  it('answers any bencoded dictionary with a message or a PexError', () => {
    const dict = fc
      .record({ t: fc.integer({ min: -1, max: 4 }) })
      .chain((head) =>
        fc
          .dictionary(fc.constantFrom('a', 'd', 'f', 'to', 'from', 'k', 'x', 'e'), value, { maxKeys: 4 })
          .map((rest) => ({ ...rest, ...head }) as BDict),
      );
    fc.assert(fc.property(dict, (d) => void outcome(encode(d))));
  });

  it('answers a truncated or flipped message with a message or a PexError', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.nat(255), (m, at, flip) => {
        const bytes = encodePexMessage(m).slice();
        outcome(bytes.subarray(0, at % bytes.length));
        bytes[at % bytes.length] ^= flip;
        outcome(bytes);
      }),
    );
  });
});
