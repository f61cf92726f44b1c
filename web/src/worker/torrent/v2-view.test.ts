import { describe, expect, it } from 'vitest';
import type { Session } from '../../../../shared/engine/contract/engine-types';
import { createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { pieceLayersKey } from '../storage/records';
import { sessionV2 } from '../v2/v2-session';
import { V2View } from './v2-view';
import { FakeWriter } from './testing/fakes';

const KiB = 1024;
const hashers = { sha1: subtleSha1, sha256: subtleSha256 };

/** A hybrid of one file three pieces long: it has a piece layer. */
async function hybrid() {
  const bytes = new Uint8Array(40 * KiB).map((_, i) => i % 251);
  const source = {
    path: ['clip.bin'],
    length: bytes.length,
    read: async (at: number, size: number) => bytes.slice(at, at + size),
  };
  const { info, pieceLayers } = await createAnyInfo([source], {
    name: 'clip.bin',
    pieceLength: 16 * KiB,
    ...hashers,
  });
  const view = (await sessionV2(info.v1!.infoBytes, hashers))!;
  return { v1: info.v1!, view, pieceLayers };
}

/** A session that knows these piece layers (by pieces root), or still misses some. */
function knowing(layers: Map<string, Uint8Array>, missing = 0): Session {
  const [layer] = layers.values();
  return {
    pieceLayers: {
      missing,
      expected: (index: number) => ({ hash: layer.subarray(index * 32, index * 32 + 32) }),
    },
  } as unknown as Session;
}

describe('V2View', () => {
  it('gives a new session the v2 view once the info is known, and nothing to a v1 torrent', async () => {
    const { v1, view } = await hybrid();
    expect(new V2View(view, false).sessionOption(v1)).toEqual({ v2: view });
    expect(new V2View(view, false).sessionOption(undefined)).toEqual({});
    expect(new V2View(undefined, false).sessionOption(v1)).toEqual({});
  });

  it("has a hybrid link's session announce v2 at once, and hands it the view when the metadata came", async () => {
    const { v1 } = await hybrid();
    const v2 = new V2View(undefined, true);
    const option = v2.sessionOption(undefined);
    expect(option).toEqual({ v2: {} });
    await v2.learn(v1, hashers);
    expect(v2.options?.info.infoHash).toBeDefined();
    expect((option.v2 as { view?: unknown }).view).toBe(v2.options);
    expect(v2.learn(v1, hashers)).toBeUndefined();
  });

  it('keeps the piece layers learned from peers once all are known, beside the record', async () => {
    const { view, pieceLayers } = await hybrid();
    const v2 = new V2View(view, false);
    const writer = new FakeWriter();
    v2.keepLayers(knowing(pieceLayers, 1), 'ab', writer);
    expect(writer.puts).toEqual([]);
    v2.keepLayers(knowing(pieceLayers), 'ab', writer);
    expect(writer.puts.map(([key]) => key)).toEqual([pieceLayersKey('ab')]);
    expect(v2.options?.pieceLayers).toEqual(pieceLayers);
    v2.keepLayers(knowing(pieceLayers), 'ab', writer);
    expect(writer.puts.length).toBe(1);
  });
});
