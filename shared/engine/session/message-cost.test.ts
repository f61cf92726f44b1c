import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../codec/wire';
import { HASH_BYTES } from '../../codec/wire';
import { messageCost } from './message-cost';
import { MAX_ANSWER_HASHES } from '../v2/piece-layers';

const context = { peers: 30, outstanding: 40 };
const range = { piecesRoot: new Uint8Array(32), baseLayer: 0, index: 0, proofLayers: 0 };

describe('what each message costs', () => {
  it('charges a bitfield one unit for every piece it names', () => {
    expect(messageCost({ type: 'bitfield', bytes: new Uint8Array(50_000) }, context)).toBe(1 + 400_000);
  });

  it('charges a change of interest the peers the choke policy looks at', () => {
    expect(messageCost({ type: 'interested' }, context)).toBe(31);
    expect(messageCost({ type: 'not-interested' }, context)).toBe(31);
  });

  it('charges a choke or unchoke the requests it releases or asks again, and the peers they go to', () => {
    expect(messageCost({ type: 'choke' }, context)).toBe(71);
    expect(messageCost({ type: 'unchoke' }, context)).toBe(71);
  });

  it('charges the hashes a hash request may be answered with, and the hashes checked', () => {
    expect(messageCost({ type: 'hash-request', ...range, length: 2 ** 31 }, context)).toBe(
      2 + MAX_ANSWER_HASHES,
    );
    const hashes = new Uint8Array(8 * HASH_BYTES);
    expect(messageCost({ type: 'hashes', ...range, length: 8, hashes }, context)).toBe(10);
  });

  it('charges an extended message by its payload, and every message at least one unit', () => {
    expect(messageCost({ type: 'extended', id: 3, payload: new Uint8Array(640) }, context)).toBe(5);
    const small: WireMessage[] = [
      { type: 'keep-alive' },
      { type: 'port', port: 1 },
      { type: 'have', index: 3 },
      { type: 'request', index: 0, begin: 0, length: 16_384 },
      { type: 'piece', index: 0, begin: 0, block: new Uint8Array(16_384) },
    ];
    for (const message of small) expect(messageCost(message, context)).toBeGreaterThanOrEqual(1);
  });
});
