import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../codec/wire';
import { OpeningRule } from './opening';

const bitfield: WireMessage = { type: 'bitfield', bytes: new Uint8Array(4) };
const extendedHandshake: WireMessage = { type: 'extended', id: 0, payload: new Uint8Array(0) };

function run(messages: WireMessage[]): (string | undefined)[] {
  const rule = new OpeningRule();
  return messages.map((message) => rule.see(message));
}

describe('what a peer has is said once, first (BEP 3, BEP 6)', () => {
  it('accepts a bitfield, have-all or have-none as the first message', () => {
    for (const first of [bitfield, { type: 'have-all' }, { type: 'have-none' }] as WireMessage[])
      expect(run([first, { type: 'have', index: 1 }, { type: 'interested' }])).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
  });

  it('accepts it after the extended handshake, metadata messages, a DHT port and keep-alives', () => {
    const setup: WireMessage[] = [
      extendedHandshake,
      { type: 'keep-alive' },
      { type: 'port', port: 6881 },
      { type: 'extended', id: 3, payload: new Uint8Array(8) },
    ];
    expect(run([...setup, bitfield]).at(-1)).toBeUndefined();
  });

  it("accepts it after the choke and interest states, in WebTorrent's order for a peer that fetched the metadata", () => {
    const webTorrent: WireMessage[] = [
      extendedHandshake,
      { type: 'extended', id: 2, payload: new Uint8Array(8) },
      { type: 'choke' },
      { type: 'unchoke' },
      { type: 'not-interested' },
      { type: 'interested' },
      { type: 'have-none' },
    ];
    expect(run(webTorrent)).toEqual(webTorrent.map(() => undefined));
  });

  it('refuses a second one, of any kind', () => {
    expect(run([bitfield, bitfield])[1]).toMatch(/bitfield after its first messages/);
    expect(run([{ type: 'have-all' }, { type: 'have-none' }])[1]).toMatch(/have-none/);
    expect(run([{ type: 'have-none' }, extendedHandshake, { type: 'have-all' }])[2]).toMatch(/have-all/);
  });

  it('refuses one after a have, a request or a cancel', () => {
    for (const other of [
      { type: 'have', index: 0 },
      { type: 'request', index: 0, begin: 0, length: 16384 },
      { type: 'cancel', index: 0, begin: 0, length: 16384 },
    ] as WireMessage[])
      expect(run([other, bitfield])[1]).toMatch(/comes once, first/);
  });
});
