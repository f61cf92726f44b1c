// Property tests of the v2 metainfo parser: a hostile .torrent gets a MetainfoError, never another exception, and
// anything we create parses back to the same files.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, encode, type BDict, type BValue } from './bencode';
import { MetainfoError, type SourceFile } from './metainfo';
import { createAnyInfo, encodeAnyTorrent, parseAnyInfo, parseAnyTorrent } from './metainfo-v2';
import { sha1 } from '../testing/sha1';
import { sha256 } from '../testing/sha256';

const KiB = 1024;
const hashers = { sha1, sha256 };

function source(path: string[], length: number, seed: number): SourceFile {
  const data = Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
  return { path, length, read: async (offset, size) => data.slice(offset, offset + size) };
}

let valid: Uint8Array;

beforeAll(async () => {
  const made = await createAnyInfo(
    [
      source(['a', 'big.bin'], 50 * KiB, 1),
      source(['b.txt'], 3000, 2),
      source(['e'], 0, 3),
      source(['a', 'c'], 17 * KiB, 4),
    ],
    { name: 'fuzz', ...hashers, pieceLength: 16 * KiB },
  );
  valid = encodeAnyTorrent({ ...made, announce: [['wss://t.example']] });
});

/** Parses and says how it ended: 'ok', or the MetainfoError. Any other exception fails the property. */
async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    await parseAnyTorrent(bytes, hashers);
    return 'ok';
  } catch (error) {
    if (error instanceof MetainfoError) return 'MetainfoError';
    throw error;
  }
}

const bvalue: fc.Arbitrary<BValue> = fc.letrec<{ value: BValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -2, max: 70_000 }),
    fc.constantFrom(2 ** 53 - 1, 16 * KiB, 0),
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom(new Uint8Array(32), new Uint8Array([0x70]), new TextEncoder().encode('..')),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom('', 'length', 'pieces root', 'attr', 'x', '..', '__proto__'),
      tie('value'),
      {
        maxKeys: 3,
      },
    ) as fc.Arbitrary<BValue>,
  ),
})).value;

/** Every [container, key] in a decoded value, to replace one of them. */
function slots(
  value: BValue,
  out: [BDict | BValue[], string | number][] = [],
): [BDict | BValue[], string | number][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([value, i]);
      slots(item, out);
    });
  } else if (typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const key of Object.keys(value)) {
      out.push([value, key]);
      slots(value[key], out);
    }
  }
  return out;
}

describe('parseAnyTorrent under random mutation', () => {
  it('the valid .torrent parses', async () => {
    expect(await outcome(valid)).toBe('ok');
  });

  it('flipped, cut and inserted bytes give a MetainfoError or a torrent, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), op: fc.nat(2) }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (edits) => {
          let bytes = valid.slice();
          for (const { at, byte, op } of edits) {
            const i = at % bytes.length;
            if (op === 0) bytes[i] = byte;
            else if (op === 1) bytes = bytes.slice(0, i);
            else bytes = Uint8Array.from([...bytes.subarray(0, i), byte, ...bytes.subarray(i)]);
            if (bytes.length === 0) bytes = new Uint8Array([0x64]);
          }
          expect(['ok', 'MetainfoError']).toContain(await outcome(bytes));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('any value replaced anywhere in the decoded torrent gives a MetainfoError or a torrent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), bvalue, async (pick, replacement) => {
        const torrent = decode(valid);
        const all = slots(torrent);
        const [container, key] = all[pick % all.length];
        (container as Record<string | number, BValue>)[key] = replacement;
        expect(['ok', 'MetainfoError']).toContain(await outcome(encode(torrent)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('createAnyInfo and parseAnyInfo round trip', () => {
  it('any files make a hybrid whose views agree, and a v2 with the same files', async () => {
    const name = fc.constantFrom('a', 'b', 'B', 'é', '10', '9', 'x y', '😀');
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({ path: fc.array(name, { minLength: 1, maxLength: 3 }), length: fc.nat(40 * KiB) }),
          {
            minLength: 1,
            maxLength: 5,
            selector: (file) => file.path[0],
          },
        ),
        fc.constantFrom(16 * KiB, 32 * KiB),
        async (specs, pieceLength) => {
          fc.pre(specs.some((spec) => spec.length > 0));
          const files = specs.map((spec, i) => source(spec.path, spec.length, i));
          const hybrid = await createAnyInfo(files, { name: 'root', ...hashers, pieceLength });
          const again = await parseAnyInfo(hybrid.info.infoBytes, hashers);
          expect(again.version).toBe('hybrid');
          const v2 = await createAnyInfo(files, { name: 'root', sha256, pieceLength, version: 'v2' });
          expect(v2.info.v2!.files).toEqual(hybrid.info.v2!.files);
          expect(new Set(again.v2!.files.map((f) => f.path.join('/')))).toEqual(
            new Set(specs.map((s) => s.path.join('/'))),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
