import { describe, expect, it } from 'vitest';
import { encode } from './bencode';
import {
  MAX_PEX_ENTRIES,
  MAX_PEX_MESSAGE,
  MAX_SIGNAL_PAYLOAD,
  PEX_ERROR,
  PexError,
  decodePexMessage,
  encodePexMessage,
} from './pex';

const id = (n: number) => new Uint8Array(20).fill(n);
const text = (s: string) => new TextEncoder().encode(s);

describe('sd_pex codec', () => {
  it('carries a peers message: added with progress, dropped, and the full flag', () => {
    const bytes = encodePexMessage({
      t: 'peers',
      added: [
        { id: id(1), progress: 1000 },
        { id: id(2), progress: 0 },
      ],
      dropped: [id(3)],
      full: true,
    });
    expect(decodePexMessage(bytes)).toEqual({
      t: 'peers',
      added: [
        { id: id(1), progress: 1000 },
        { id: id(2), progress: 0 },
      ],
      dropped: [id(3)],
      full: true,
    });
  });

  it('carries relay, signal and error messages', () => {
    const sdp = new TextEncoder().encode('v=0 an offer');
    const relay = decodePexMessage(encodePexMessage({ t: 'relay', to: id(4), kind: 'offer', payload: sdp }));
    expect(relay).toEqual({ t: 'relay', to: id(4), kind: 'offer', payload: sdp });
    const signal = decodePexMessage(
      encodePexMessage({ t: 'signal', from: id(5), kind: 'decline', payload: new Uint8Array(0) }),
    );
    expect(signal).toEqual({ t: 'signal', from: id(5), kind: 'decline', payload: new Uint8Array(0) });
    const error = decodePexMessage(encodePexMessage({ t: 'error', to: id(6), code: PEX_ERROR.busy }));
    expect(error).toEqual({ t: 'error', to: id(6), code: 2 });
  });

  it('ignores unknown keys and reads an unknown t as unknown', () => {
    expect(decodePexMessage(encode({ t: 9, zz: text('later') }))).toEqual({ t: 'unknown' });
    const withExtra = decodePexMessage(encode({ t: 0, a: [{ i: id(1), p: 5, q: 1 }], z: 3 }));
    expect(withExtra).toEqual({ t: 'peers', added: [{ id: id(1), progress: 5 }], dropped: [], full: false });
  });

  it('refuses what breaks a bound', () => {
    const many = Array.from({ length: MAX_PEX_ENTRIES + 1 }, (_, i) => id(i));
    expect(() => decodePexMessage(encode({ t: 0, d: many }))).toThrow(PexError);
    expect(() => decodePexMessage(encode({ t: 0, a: [{ i: id(1), p: 1001 }] }))).toThrow(PexError);
    expect(() => decodePexMessage(encode({ t: 0, a: [{ i: new Uint8Array(19) }] }))).toThrow(PexError);
    const big = new Uint8Array(MAX_SIGNAL_PAYLOAD + 1).fill(65);
    expect(() => decodePexMessage(encode({ t: 1, to: id(1), k: 0, x: big }))).toThrow(PexError);
    expect(() => decodePexMessage(encode({ t: 1, to: id(1), k: 0 }))).toThrow(PexError);
    expect(() => decodePexMessage(encode({ t: 2, from: id(1), k: 3, x: text('a') }))).toThrow(PexError);
    expect(() => decodePexMessage(new Uint8Array(MAX_PEX_MESSAGE + 1))).toThrow(PexError);
    expect(() => decodePexMessage(encode([1, 2]))).toThrow(PexError);
    expect(() => decodePexMessage(encode({ t: 0 }).subarray(0, 3))).toThrow(PexError);
  });

  it('refuses to encode what a receiver would refuse', () => {
    const many = Array.from({ length: MAX_PEX_ENTRIES + 1 }, (_, i) => ({ id: id(i), progress: 0 }));
    expect(() => encodePexMessage({ t: 'peers', added: many, dropped: [], full: false })).toThrow(RangeError);
    const big = new Uint8Array(MAX_SIGNAL_PAYLOAD + 1);
    expect(() => encodePexMessage({ t: 'relay', to: id(1), kind: 'answer', payload: big })).toThrow(
      RangeError,
    );
    expect(() =>
      encodePexMessage({ t: 'relay', to: new Uint8Array(3), kind: 'decline', payload: big.subarray(0, 0) }),
    ).toThrow(RangeError);
  });

  it('keeps the largest messages within the message bound', () => {
    const full = Array.from({ length: MAX_PEX_ENTRIES }, (_, i) => ({ id: id(i), progress: 1000 }));
    const peers = encodePexMessage({ t: 'peers', added: full, dropped: full.map((p) => p.id), full: true });
    const relay = encodePexMessage({
      t: 'relay',
      to: id(1),
      kind: 'offer',
      payload: new Uint8Array(MAX_SIGNAL_PAYLOAD),
    });
    expect(peers.length).toBeLessThanOrEqual(MAX_PEX_MESSAGE);
    expect(relay.length).toBeLessThanOrEqual(MAX_PEX_MESSAGE);
  });
});
