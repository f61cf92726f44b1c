import { describe, expect, expectTypeOf, it } from 'vitest';
import { ACTION_NAMES, parseCall, parseRequest, type ActionName, type Call } from './actions';
import { ACTION_SAMPLES, ALL_SAMPLES } from './testing/action-samples';

describe('the action table', () => {
  it('has a parser for every action, and a sample of each for the tests', () => {
    // Types: the parsers and the samples are keyed by every action name, no more, no less.
    expectTypeOf<keyof typeof parseRequest>().toEqualTypeOf<ActionName>();
    expectTypeOf<keyof typeof ACTION_SAMPLES>().toEqualTypeOf<ActionName>();
    expect([...ACTION_NAMES].sort()).toEqual(Object.keys(ACTION_SAMPLES).sort());
    for (const [name, sample] of Object.entries(ACTION_SAMPLES)) expect(sample.op).toBe(name);
  });

  it('parses every action as it arrives from another tab (a structured clone), unchanged', () => {
    for (const call of ALL_SAMPLES) {
      const arrived = structuredClone(call);
      const parsed = parseCall(arrived);
      expect(parsed, call.op).toEqual(arrived);
      expect(parsed?.op).toBe(call.op);
    }
  });

  it('refuses each action with a field of the wrong type, and what is not an action', () => {
    for (const call of ALL_SAMPLES) {
      const { op, ...fields } = call;
      for (const key of Object.keys(fields)) {
        const broken = { ...call, [key]: Symbol.for('not sent') } as unknown as Call;
        expect(parseCall(broken), `${op}.${key}`).toBeUndefined();
      }
    }
    for (const value of [null, 'pause', { op: 'eval' }, { op: 'toString' }, { op: '__proto__' }])
      expect(parseCall(value)).toBeUndefined();
  });

  it("keeps a share's Also at URLs, and refuses more of them, or longer, than a torrent may name", () => {
    const { share } = ACTION_SAMPLES;
    expect(parseCall(share)).toEqual(share);
    for (const webSeeds of [
      Array(17).fill('https://a.example/'),
      [`https://a.example/${'x'.repeat(2048)}`],
      [1],
    ])
      expect(parseCall({ ...share, webSeeds })).toBeUndefined();
  });

  it('takes a web seed budget in whole bytes, or null for no limit', () => {
    const ref = { op: 'limit-web-seeds', infoHashHex: 'ab'.repeat(20) };
    expect(parseCall({ ...ref, bytes: null })).toEqual({ ...ref, bytes: null });
    expect(parseCall({ ...ref, bytes: 0 })).toEqual({ ...ref, bytes: 0 });
    for (const bytes of [-1, 1.5, Infinity, '5', undefined])
      expect(parseCall({ ...ref, bytes })).toBeUndefined();
  });

  it('takes a player’s position or its closing, and refuses times that are not seconds', () => {
    const base = { op: 'playback', infoHashHex: 'ab'.repeat(20), fileIndex: 0 };
    const position = { time: 1.5, duration: 60, paused: true };
    expect(parseCall({ ...base, position })).toEqual({ ...base, position });
    expect(parseCall({ ...base, position: null })).toEqual({ ...base, position: null });
    for (const bad of [
      { ...position, time: -1 },
      { ...position, duration: Infinity },
      { ...position, paused: 1 },
    ])
      expect(parseCall({ ...base, position: bad })).toBeUndefined();
  });

  it('keeps a share read in place with its handles, and drops what is not a handle', () => {
    const file = new File(['x'], 'a.bin');
    const handle = { kind: 'file', name: 'a.bin' };
    const withHandle = parseCall({ op: 'share', files: [{ file, path: ['a.bin'], handle }], name: 'a' });
    expect(withHandle).toEqual({ op: 'share', files: [{ file, path: ['a.bin'], handle }], name: 'a' });
    const withJunk = parseCall({ op: 'share', files: [{ file, path: ['a.bin'], handle: 7 }], name: 'a' });
    expect(withJunk).toEqual({ op: 'share', files: [{ file, path: ['a.bin'] }], name: 'a' });
  });
});

describe('private shares in the action table', () => {
  it('takes a key only in its 43-character form, and a share without encrypt as a public share', () => {
    const link = `magnet:?xt=urn:btih:${'ab'.repeat(20)}`;
    expect(parseCall({ op: 'add-magnet', link })).toEqual({ op: 'add-magnet', link });
    expect(parseCall({ op: 'add-magnet', link, key: 'A'.repeat(43) })).toEqual({
      op: 'add-magnet',
      link,
      key: 'A'.repeat(43),
    });
    expect(parseCall({ op: 'add-magnet', link, key: 'A'.repeat(42) })).toBeUndefined();
    expect(parseCall({ op: 'add-magnet', link, key: `${'A'.repeat(42)}=` })).toBeUndefined();
    const file = new File(['x'], 'a.bin');
    expect(parseCall({ op: 'share', files: [{ file, path: ['a.bin'] }], name: 'a' })).toEqual({
      op: 'share',
      files: [{ file, path: ['a.bin'] }],
      name: 'a',
    });
    expect(
      parseCall({ op: 'share', files: [{ file, path: ['a.bin'] }], name: 'a', encrypt: 'yes' }),
    ).toBeUndefined();
  });
});
