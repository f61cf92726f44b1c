import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  binaryToBytes,
  binaryToHex,
  bytesToBinary,
  hexToBinary,
  isBinaryId,
  parseClientMessage,
  parseServerMessage,
} from './tracker-protocol';

const HASH = '\x00\x01\xfe\xff' + 'h'.repeat(16);
const PEER = '-WW0300-' + 'p'.repeat(12);
const OTHER = '-WW0300-' + 'q'.repeat(12);
const OFFER_ID = 'o'.repeat(19) + '\xee';
const sdp = (type: string) => ({ type, sdp: 'v=0\r\n' });

function client(message: unknown, limits = {}) {
  return parseClientMessage(JSON.stringify(message), limits);
}

describe('binary ids', () => {
  it('converts between binary strings, hex and bytes', () => {
    expect(binaryToHex('\x00\x0f\xff')).toBe('000fff');
    expect(hexToBinary('000fFF')).toBe('\x00\x0f\xff');
    expect(bytesToBinary(new Uint8Array([0, 255]))).toBe('\x00\xff');
    expect(binaryToBytes('\x00\xff')).toEqual(new Uint8Array([0, 255]));
    expect(() => binaryToHex('\u0100')).toThrow(RangeError);
    expect(() => hexToBinary('abc')).toThrow(RangeError);
    expect(() => binaryToBytes('\u2603')).toThrow(RangeError);
  });

  it('round-trips any 20 bytes through hex and JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const binary = bytesToBinary(bytes);
        expect(isBinaryId(binary)).toBe(true);
        expect(hexToBinary(binaryToHex(binary))).toBe(binary);
        expect(JSON.parse(JSON.stringify(binary))).toBe(binary);
        expect(binaryToBytes(binary)).toEqual(bytes);
      }),
    );
  });

  it('accepts only 20 characters, each a byte', () => {
    expect(isBinaryId('x'.repeat(20))).toBe(true);
    expect(isBinaryId('x'.repeat(19))).toBe(false);
    expect(isBinaryId('x'.repeat(21))).toBe(false);
    expect(isBinaryId('x'.repeat(19) + '\u0100')).toBe(false);
    expect(isBinaryId(1234567890)).toBe(false);
  });
});

describe('parseClientMessage', () => {
  it('reads an announce with offers, as WebTorrent sends it', () => {
    const result = client({
      action: 'announce',
      info_hash: HASH,
      peer_id: PEER,
      event: 'started',
      numwant: 5,
      uploaded: 0,
      downloaded: 10,
      left: 90,
      offers: [{ offer: sdp('offer'), offer_id: OFFER_ID }],
      trackerid: 'ignored',
    });
    expect(result).toEqual({
      ok: true,
      message: {
        kind: 'announce',
        infoHash: HASH,
        peerId: PEER,
        event: 'started',
        numwant: 5,
        uploaded: 0,
        downloaded: 10,
        left: 90,
        offers: [{ offer: sdp('offer'), offer_id: OFFER_ID }],
      },
    });
  });

  it('defaults a periodic announce and unknown counts', () => {
    for (const event of [undefined, null, '', 'empty', 'update']) {
      const result = client({ action: 'announce', info_hash: HASH, peer_id: PEER, event, left: null });
      expect(result).toMatchObject({
        ok: true,
        message: { event: 'update', left: null, uploaded: 0, downloaded: 0, numwant: 0, offers: [] },
      });
    }
    expect(client({ action: 'announce', info_hash: HASH, peer_id: PEER, event: 'paused' })).toMatchObject({
      ok: true,
      message: { event: 'paused' },
    });
  });

  it('clamps numwant and ignores offers on stopped', () => {
    expect(client({ action: 'announce', info_hash: HASH, peer_id: PEER, numwant: 80 })).toMatchObject({
      message: { numwant: 10 },
    });
    expect(
      client({ action: 'announce', info_hash: HASH, peer_id: PEER, numwant: 80 }, { maxNumwant: 3 }),
    ).toMatchObject({ message: { numwant: 3 } });
    expect(
      client({ action: 'announce', info_hash: HASH, peer_id: PEER, event: 'stopped', offers: 'junk' }),
    ).toMatchObject({ ok: true, message: { event: 'stopped', offers: [] } });
  });

  it("reads a hybrid torrent's other hash (info_hash_alias), dropping one equal to info_hash", () => {
    const base = { action: 'announce', info_hash: HASH, peer_id: PEER };
    expect(client({ ...base, info_hash_alias: OTHER })).toMatchObject({
      ok: true,
      message: { alias: OTHER },
    });
    expect(client({ ...base, info_hash_alias: HASH })).toMatchObject({ ok: true });
    expect(client({ ...base, info_hash_alias: HASH })).not.toHaveProperty('message.alias');
    expect(client(base)).not.toHaveProperty('message.alias');
    expect(client({ ...base, info_hash_alias: 'aa'.repeat(20) })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/invalid info_hash_alias/),
      infoHash: HASH,
    });
  });

  it('reads an answer', () => {
    const result = client({
      action: 'announce',
      info_hash: HASH,
      peer_id: PEER,
      to_peer_id: OTHER,
      answer: sdp('answer'),
      offer_id: OFFER_ID,
    });
    expect(result).toEqual({
      ok: true,
      message: {
        kind: 'answer',
        infoHash: HASH,
        peerId: PEER,
        toPeerId: OTHER,
        offerId: OFFER_ID,
        answer: sdp('answer'),
      },
    });
  });

  it('reads scrapes of one, many and every info hash', () => {
    expect(client({ action: 'scrape', info_hash: HASH })).toEqual({
      ok: true,
      message: { kind: 'scrape', infoHashes: [HASH] },
    });
    expect(client({ action: 'scrape', info_hash: [HASH, OTHER] })).toMatchObject({
      message: { infoHashes: [HASH, OTHER] },
    });
    expect(client({ action: 'scrape' })).toMatchObject({ message: { infoHashes: null } });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{"action":', /not JSON/],
    ['an array', [], /not a JSON object/],
    ['null', null, /not a JSON object/],
    ['no action', { info_hash: HASH }, /invalid action: undefined/],
    ['unknown action', { action: 'connect' }, /invalid action: "connect"/],
    ['short info_hash', { action: 'announce', info_hash: 'abc', peer_id: PEER }, /invalid info_hash/],
    ['numeric info_hash', { action: 'announce', info_hash: 1, peer_id: PEER }, /invalid info_hash/],
    [
      'wide peer_id',
      { action: 'announce', info_hash: HASH, peer_id: '\u0100'.repeat(20) },
      /invalid peer_id/,
    ],
    ['bad event', { action: 'announce', info_hash: HASH, peer_id: PEER, event: 'go' }, /invalid event: "go"/],
    ['string left', { action: 'announce', info_hash: HASH, peer_id: PEER, left: '5' }, /invalid left/],
    [
      'negative uploaded',
      { action: 'announce', info_hash: HASH, peer_id: PEER, uploaded: -1 },
      /invalid uploaded/,
    ],
    [
      'huge downloaded',
      { action: 'announce', info_hash: HASH, peer_id: PEER, downloaded: 1e300 },
      /downloaded/,
    ],
    ['fraction numwant', { action: 'announce', info_hash: HASH, peer_id: PEER, numwant: 1.5 }, /numwant/],
    ['offers not array', { action: 'announce', info_hash: HASH, peer_id: PEER, offers: {} }, /not an array/],
    [
      'offer without sdp',
      {
        action: 'announce',
        info_hash: HASH,
        peer_id: PEER,
        offers: [{ offer: { type: 'offer' }, offer_id: OFFER_ID }],
      },
      /offers\[0\]\.offer/,
    ],
    [
      'short offer_id',
      {
        action: 'announce',
        info_hash: HASH,
        peer_id: PEER,
        offers: [{ offer: sdp('offer'), offer_id: 'x' }],
      },
      /offers\[0\]\.offer_id/,
    ],
    [
      'answer without to_peer_id',
      { action: 'announce', info_hash: HASH, peer_id: PEER, answer: sdp('answer'), offer_id: OFFER_ID },
      /to_peer_id/,
    ],
    [
      'answer without offer_id',
      { action: 'announce', info_hash: HASH, peer_id: PEER, answer: sdp('answer'), to_peer_id: OTHER },
      /offer_id/,
    ],
    [
      'answer not an object',
      {
        action: 'announce',
        info_hash: HASH,
        peer_id: PEER,
        answer: 'x',
        to_peer_id: OTHER,
        offer_id: OFFER_ID,
      },
      /invalid answer/,
    ],
    ['scrape with a bad hash', { action: 'scrape', info_hash: [HASH, 'x'] }, /invalid info_hash\[1\]/],
  ];
  it.each(bad)('rejects %s with a reason naming the problem', (_name, value, reason) => {
    const result = parseClientMessage(typeof value === 'string' ? value : JSON.stringify(value));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });

  it('keeps only type and sdp of offers and answers, so nothing else is relayed', () => {
    // Nesting too deep for JSON.stringify: relaying it whole would throw when the tracker encodes it.
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const ids = `"info_hash":${JSON.stringify(HASH)},"peer_id":${JSON.stringify(PEER)}`;
    const offers = parseClientMessage(
      `{"action":"announce",${ids},"offers":[{"offer":{"type":"offer","sdp":"v=0","extra":${deep}},` +
        `"offer_id":${JSON.stringify(OFFER_ID)},"more":1}]}`,
    );
    expect(offers).toMatchObject({
      ok: true,
      message: { offers: [{ offer: { type: 'offer', sdp: 'v=0' }, offer_id: OFFER_ID }] },
    });
    if (offers.ok) expect(() => JSON.stringify(offers.message)).not.toThrow();
    const answer = parseClientMessage(
      `{"action":"announce",${ids},"to_peer_id":${JSON.stringify(OTHER)},"offer_id":${JSON.stringify(OFFER_ID)},` +
        `"answer":{"type":"answer","sdp":"v=0","extra":${deep}}}`,
    );
    expect(answer.ok && answer.message.kind === 'answer' && answer.message.answer).toEqual({
      type: 'answer',
      sdp: 'v=0',
    });
  });

  it('keeps the action and a valid info hash for the failure reply', () => {
    expect(client({ action: 'announce', info_hash: HASH, peer_id: 'x' })).toEqual({
      ok: false,
      error: 'invalid peer_id: must be a 20-character binary string',
      action: 'announce',
      infoHash: HASH,
    });
  });

  it('limits offers and scrape hashes', () => {
    const offers = Array.from({ length: 4 }, () => ({ offer: sdp('offer'), offer_id: OFFER_ID }));
    expect(
      client({ action: 'announce', info_hash: HASH, peer_id: PEER, offers }, { maxOffers: 3 }),
    ).toMatchObject({
      ok: false,
      error: 'too many offers: 4 (max 3)',
    });
    expect(client({ action: 'scrape', info_hash: [HASH, HASH, HASH] }, { maxScrapeHashes: 2 })).toMatchObject(
      {
        ok: false,
        error: expect.stringMatching(/too many info_hash/),
      },
    );
  });

  it('refuses an offer or answer whose SDP is longer than maxSdpLength', () => {
    const long = { type: 'offer', sdp: 'v'.repeat(101) };
    const announce = { action: 'announce', info_hash: HASH, peer_id: PEER };
    expect(
      client({ ...announce, offers: [{ offer: long, offer_id: OFFER_ID }] }, { maxSdpLength: 100 }),
    ).toMatchObject({
      ok: false,
      error: 'offers[0].offer.sdp too long: 101 characters (max 100)',
    });
    const answer = { ...announce, to_peer_id: PEER, offer_id: OFFER_ID, answer: { ...long, type: 'answer' } };
    expect(client(answer, { maxSdpLength: 100 })).toMatchObject({ ok: false, error: /answer.sdp too long/ });
    expect(client(answer, { maxSdpLength: 101 })).toMatchObject({ ok: true });
    expect(client(answer)).toMatchObject({ ok: true });
  });

  it('truncates echoed client values in errors', () => {
    const result = client({ action: 'x'.repeat(10_000) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeLessThan(80);
  });

  it('never throws on any string or JSON value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const result = parseClientMessage(text);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.record({
          action: fc.constantFrom('announce', 'scrape'),
          info_hash: fc.oneof(fc.constant(HASH), fc.anything()),
          peer_id: fc.oneof(fc.constant(PEER), fc.anything()),
          event: fc.anything(),
          left: fc.anything(),
          offers: fc.anything(),
          answer: fc.option(fc.anything()),
        }),
        (object) => {
          let text: string;
          try {
            text = JSON.stringify(object);
          } catch {
            return; // BigInt and the like cannot be sent
          }
          if (text !== undefined) expect(typeof parseClientMessage(text).ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseServerMessage', () => {
  it("reads the swarm's other hash of an announce reply (info_hash_alias), ignoring one that is not a hash", () => {
    const reply = { action: 'announce', info_hash: HASH, interval: 120, complete: 2, incomplete: 3 };
    expect(parseServerMessage(JSON.stringify({ ...reply, info_hash_alias: OTHER }))).toMatchObject({
      ok: true,
      message: { kind: 'announce', alias: OTHER },
    });
    expect(parseServerMessage(JSON.stringify({ ...reply, info_hash_alias: 'x' }))).not.toHaveProperty(
      'message.alias',
    );
  });

  it('reads announce replies, offers, answers, scrapes and failures', () => {
    expect(
      parseServerMessage(
        JSON.stringify({ action: 'announce', info_hash: HASH, interval: 120, complete: 2, incomplete: 3 }),
      ),
    ).toEqual({
      ok: true,
      message: { kind: 'announce', infoHash: HASH, interval: 120, complete: 2, incomplete: 3 },
    });
    expect(
      parseServerMessage(
        JSON.stringify({
          action: 'announce',
          info_hash: HASH,
          peer_id: OTHER,
          offer_id: OFFER_ID,
          offer: sdp('offer'),
        }),
      ),
    ).toEqual({
      ok: true,
      message: { kind: 'offer', infoHash: HASH, peerId: OTHER, offerId: OFFER_ID, offer: sdp('offer') },
    });
    expect(
      parseServerMessage(
        JSON.stringify({
          action: 'announce',
          info_hash: HASH,
          peer_id: OTHER,
          offer_id: OFFER_ID,
          answer: sdp('answer'),
        }),
      ),
    ).toMatchObject({ ok: true, message: { kind: 'answer', answer: sdp('answer') } });
    const scrape = parseServerMessage(
      JSON.stringify({ action: 'scrape', files: { [HASH]: { complete: 1, incomplete: 2, downloaded: 3 } } }),
    );
    expect(scrape).toEqual({
      ok: true,
      message: { kind: 'scrape', files: new Map([[HASH, { complete: 1, incomplete: 2, downloaded: 3 }]]) },
    });
    expect(
      parseServerMessage(
        JSON.stringify({ action: 'announce', info_hash: HASH, 'failure reason': 'swarm is full' }),
      ),
    ).toEqual({
      ok: true,
      message: { kind: 'failure', reason: 'swarm is full', action: 'announce', infoHash: HASH },
    });
  });

  it('rejects malformed tracker messages', () => {
    expect(parseServerMessage('nope').ok).toBe(false);
    expect(parseServerMessage(JSON.stringify({ action: 'what' })).ok).toBe(false);
    expect(
      parseServerMessage(JSON.stringify({ action: 'announce', info_hash: HASH, interval: 'x' })).ok,
    ).toBe(false);
    expect(
      parseServerMessage(
        JSON.stringify({ action: 'announce', info_hash: HASH, offer: sdp('offer'), peer_id: PEER }),
      ).ok,
    ).toBe(false);
    expect(parseServerMessage(JSON.stringify({ action: 'scrape', files: { short: {} } })).ok).toBe(false);
  });
});
