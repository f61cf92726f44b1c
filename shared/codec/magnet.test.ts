import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as magnetUri from 'magnet-uri';
import { MagnetError, formatMagnet, fromHex, parseMagnet, toHex } from './magnet';
import { toBase32 } from './hex';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
const hash = fromHex(HEX);
const BASE32 = toBase32(hash);

describe('parseMagnet', () => {
  it('reads xt, dn, several tr and xl', () => {
    const link = parseMagnet(
      `magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=My+Movie%20%C3%A9&tr=wss%3A%2F%2Fa.example%2Fannounce` +
        `&tr=wss://b.example:8000/x&tr=wss%3A%2F%2Fa.example%2Fannounce&xl=1048576`,
    );
    expect(link.infoHashHex).toBe(HEX);
    expect(toHex(link.infoHash)).toBe(HEX);
    expect(link.name).toBe('My Movie é');
    expect(link.trackers).toEqual(['wss://a.example/announce', 'wss://b.example:8000/x']);
    expect(link.length).toBe(1048576);
  });

  it('gathers thousands of tr in order, each once', () => {
    const named = Array.from({ length: 20_000 }, (_, i) => `ws://t${i % 5000}.example/`);
    const link = parseMagnet(`magnet:?xt=urn:btih:${HEX}${named.map((t) => `&tr=${t}`).join('')}`);
    expect(link.trackers).toEqual(named.slice(0, 5000));
  });

  it('reads a base32 info hash', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${BASE32}`).infoHashHex).toBe(HEX);
    expect(parseMagnet(`magnet:?xt=urn:btih:${BASE32.toLowerCase()}`).infoHashHex).toBe(HEX);
  });

  it('accepts a bare info hash, hex or base32, with surrounding spaces', () => {
    expect(parseMagnet(`  ${HEX}\n`)).toEqual({
      infoHash: hash,
      infoHashHex: HEX,
      trackers: [],
      webSeeds: [],
    });
    expect(parseMagnet(BASE32).infoHashHex).toBe(HEX);
  });

  it('skips other hash kinds and unknown parameters', () => {
    const link = parseMagnet(
      `MAGNET:?xt=urn:btmh:1220${'ab'.repeat(32)}&xt=urn:btih:${HEX}&x.pe=1.2.3.4:5&ws=http://x`,
    );
    expect(link.infoHashHex).toBe(HEX);
    expect(link.name).toBeUndefined();
    expect(link.length).toBeUndefined();
    expect(link.trackers).toEqual([]);
  });

  it('keeps the first dn and ignores an empty one', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}&dn=&dn=second&dn=third`).name).toBe('second');
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}&dn=`).name).toBeUndefined();
  });

  it('explains what is wrong', () => {
    const fails = (input: string, message: RegExp): void => {
      expect(() => parseMagnet(input)).toThrow(MagnetError);
      expect(() => parseMagnet(input)).toThrow(message);
    };
    fails('https://example.com/file.torrent', /Not a magnet link/);
    fails('', /Not a magnet link/);
    fails(HEX.slice(1), /Not a magnet link/);
    fails('magnet:?dn=x&tr=wss%3A%2F%2Fa', /no info hash/);
    fails(`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}`, /no BitTorrent v1 info hash/);
    fails(`magnet:?xt=urn:btih:${HEX}0`, /40 hex or 32 base32 characters, got 41/);
    fails(`magnet:?xt=urn:btih:${'z'.repeat(40)}`, /not hexadecimal/);
    fails(`magnet:?xt=urn:btih:${'1'.repeat(32)}`, /not valid base32/);
    fails(`magnet:?xt=urn:btih:${HEX}&dn=%E0%A4`, /malformed percent-encoding in "dn"/);
    fails(`magnet:?xt=urn:btih:${HEX}&xl=-5`, /invalid length/);
    fails(`magnet:?xt=urn:btih:${HEX}&xl=1e3`, /invalid length/);
    fails(`magnet:?xt=urn:btih:${HEX}&xt=urn:btih:${'0'.repeat(40)}`, /two different info hashes/);
  });
});

describe('formatMagnet', () => {
  it('writes a hex hash, URL-encoded dn and tr, and xl', () => {
    expect(
      formatMagnet({
        infoHash: hash,
        name: 'a b&c=d+é',
        trackers: ['wss://t.example/announce?x=1', 'ws://localhost:8000', 'wss://t.example/announce?x=1'],
        length: 12,
      }),
    ).toBe(
      `magnet:?xt=urn:btih:${HEX}&dn=a%20b%26c%3Dd%2B%C3%A9&xl=12` +
        `&tr=wss%3A%2F%2Ft.example%2Fannounce%3Fx%3D1&tr=ws%3A%2F%2Flocalhost%3A8000`,
    );
    expect(formatMagnet({ infoHash: hash })).toBe(`magnet:?xt=urn:btih:${HEX}`);
  });

  it('refuses a wrong-sized hash or length', () => {
    expect(() => formatMagnet({ infoHash: new Uint8Array(19) })).toThrow(/20 bytes, got 19/);
    expect(() => formatMagnet({ infoHash: hash, length: -1 })).toThrow(MagnetError);
    expect(() => formatMagnet({ infoHash: hash, name: '\ud800' })).toThrow(/not valid Unicode/);
  });
});

const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
const trackers = fc.uniqueArray(fc.webUrl({ withQueryParameters: true }), { maxLength: 4 });
const length = fc.option(fc.maxSafeNat(), { nil: undefined });

describe('magnet properties', () => {
  it('parse(format(link)) gives the link back', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        name,
        trackers,
        length,
        (h, dn, tr, xl) => {
          const link = parseMagnet(formatMagnet({ infoHash: h, name: dn, trackers: tr, length: xl }));
          expect(link.infoHash).toEqual(h);
          expect(link.infoHashHex).toBe(toHex(h));
          expect(link.name).toBe(dn);
          expect(link.trackers).toEqual(tr);
          expect(link.length).toBe(xl);
        },
      ),
    );
  });

  it('never throws anything but MagnetError', () => {
    const pieces = fc.constantFrom(
      'magnet:?',
      'xt=urn:btih:',
      HEX,
      BASE32,
      '&',
      '=',
      '%',
      '%zz',
      'dn',
      'tr',
      'xl',
      '+',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { maxLength: 10 }), (parts) => {
        try {
          parseMagnet(parts.join(''));
        } catch (error) {
          expect(error).toBeInstanceOf(MagnetError);
        }
      }),
    );
  });
});

describe('cross-check with magnet-uri', () => {
  it('magnet-uri reads our links the same way', () => {
    // magnet-uri turns every "+" in dn into a space, even a percent-encoded one, so leave "+" out.
    const plusFree = name.filter((s) => !s.includes('+'));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        plusFree,
        trackers,
        length,
        (h, dn, tr, xl) => {
          const theirs = magnetUri.decode(formatMagnet({ infoHash: h, name: dn, trackers: tr, length: xl }));
          expect(theirs.infoHash).toBe(toHex(h));
          expect(theirs.dn).toBe(dn);
          expect(theirs.announce).toEqual(tr);
          expect(theirs.xl).toBe(xl === undefined ? undefined : String(xl));
        },
      ),
    );
  });

  it('we read magnet-uri links the same way', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), name, trackers, (h, dn, tr) => {
        const uri = magnetUri.encode({ infoHash: toHex(h), name: dn, announce: tr });
        const ours = parseMagnet(uri);
        expect(ours.infoHashHex).toBe(toHex(h));
        expect(ours.name).toBe(dn);
        expect(ours.trackers).toEqual(tr);
      }),
    );
  });

  it('agrees on base32 info hashes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (h) => {
        const uri = `magnet:?xt=urn:btih:${toBase32(h)}`;
        expect(parseMagnet(uri).infoHashHex).toBe(magnetUri.decode(uri).infoHash);
      }),
    );
  });
});

describe('BEP 53 file selection (so=)', () => {
  it('reads indices and ranges, sorted and without repeats', () => {
    const hash = 'c'.repeat(40);
    expect(parseMagnet(`magnet:?xt=urn:btih:${hash}&so=0,2,4-6,2`).select).toEqual([0, 2, 4, 5, 6]);
    expect(parseMagnet(`magnet:?xt=urn:btih:${hash}`).select).toBeUndefined();
  });

  it('refuses a malformed or oversized selection', () => {
    const hash = 'c'.repeat(40);
    for (const so of ['a', '1-', '3-1', '0-999999', '1,,2'])
      expect(() => parseMagnet(`magnet:?xt=urn:btih:${hash}&so=${so}`)).toThrow(/invalid file selection/);
  });
});

describe('BEP 52 v2 info hashes (xt=urn:btmh:1220...)', () => {
  const V2 = '7f1267bd821a4325ace35b120ec883f594a8a7508a073d5e80e6fdb65a6c06ee';

  it('reads a hybrid link: btih stays the info hash, btmh is exposed beside it', () => {
    const link = parseMagnet(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${V2.toUpperCase()}&dn=x`);
    expect(link.infoHashHex).toBe(HEX);
    expect(link.infoHashV2Hex).toBe(V2);
    expect(toHex(link.infoHashV2!)).toBe(V2);
    expect(link.v2Only).toBeUndefined();
    expect(link.name).toBe('x');
  });

  it('reads a v2-only link when asked to, its truncated hash standing for the swarm', () => {
    const uri = `magnet:?xt=urn:btmh:1220${V2}&tr=wss%3A%2F%2Ft.example&so=1`;
    expect(() => parseMagnet(uri)).toThrow(/no BitTorrent v1 info hash/);
    const link = parseMagnet(uri, { v2: true });
    expect(link).toEqual({
      infoHash: fromHex(V2.slice(0, 40)),
      infoHashHex: V2.slice(0, 40),
      infoHashV2: fromHex(V2),
      infoHashV2Hex: V2,
      v2Only: true,
      trackers: ['wss://t.example'],
      webSeeds: [],
      select: [1],
    });
    expect(parseMagnet(` ${V2} `, { v2: true }).infoHashV2Hex).toBe(V2);
    expect(() => parseMagnet(V2)).toThrow(/Not a magnet link/);
  });

  it('skips other multihashes and refuses a malformed or contradicting btmh', () => {
    expect(
      parseMagnet(`magnet:?xt=urn:btmh:1114${'ab'.repeat(20)}&xt=urn:btih:${HEX}`).infoHashV2,
    ).toBeUndefined();
    expect(() => parseMagnet(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${V2.slice(2)}`)).toThrow(/64 hex/);
    expect(() => parseMagnet(`magnet:?xt=urn:btmh:1220${'z'.repeat(64)}`, { v2: true })).toThrow(/64 hex/);
    expect(() =>
      parseMagnet(`magnet:?xt=urn:btmh:1220${V2}&xt=urn:btmh:1220${'0'.repeat(64)}`, { v2: true }),
    ).toThrow(/two different v2 info hashes/);
  });

  it('formats btih, btmh or both, and round-trips', () => {
    const v2 = fromHex(V2);
    expect(formatMagnet({ infoHash: hash, infoHashV2: v2, name: 'a b' })).toBe(
      `magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${V2}&dn=a%20b`,
    );
    expect(formatMagnet({ infoHashV2: v2 })).toBe(`magnet:?xt=urn:btmh:1220${V2}`);
    const v2Only = parseMagnet(`magnet:?xt=urn:btmh:1220${V2}&dn=n`, { v2: true });
    expect(formatMagnet(v2Only)).toBe(`magnet:?xt=urn:btmh:1220${V2}&dn=n`);
    expect(() => formatMagnet({})).toThrow(/needs an info hash/);
    expect(() => formatMagnet({ infoHashV2: hash })).toThrow(/32 bytes, got 20/);
  });

  it('agrees with magnet-uri on hybrid links', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (v1, v2) => {
          const uri = formatMagnet({ infoHash: v1, infoHashV2: v2 });
          const theirs = magnetUri.decode(uri);
          const ours = parseMagnet(uri);
          expect(ours.infoHashHex).toBe(theirs.infoHash);
          expect(ours.infoHashV2Hex).toBe(theirs.infoHashV2);
        },
      ),
    );
  });
});
