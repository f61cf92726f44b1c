import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Scratch, treeDifferences, writeFixture } from './fixtures';

const scratch = new Scratch('fixtures');
afterEach(() => scratch.cleanup());

const FILES = [
  { path: 'a/one.bin', length: 1000 },
  { path: 'b/two.bin', length: 20 },
];

describe('treeDifferences', () => {
  it('finds nothing between two copies of the same bytes', async () => {
    const one = await writeFixture(await scratch.folder(), 'share', FILES, 3);
    const two = await writeFixture(await scratch.folder(), 'share', FILES, 3);
    expect(await treeDifferences(one, two)).toEqual([]);
  });

  it('names the files missing, extra or with other bytes', async () => {
    const original = await writeFixture(await scratch.folder(), 'share', FILES, 3);
    const copy = await writeFixture(await scratch.folder(), 'share', FILES, 4);
    await rm(join(copy, 'b/two.bin'));
    await writeFile(join(copy, 'extra'), 'x');
    expect((await treeDifferences(original, copy)).sort()).toEqual([
      'a/one.bin: other bytes',
      'b/two.bin: missing',
      'extra: extra',
    ]);
  });

  it('compares a single file with its copy', async () => {
    const folder = await scratch.folder();
    await writeFixture(folder, '', [{ path: 'x.bin', length: 100 }], 5);
    await writeFixture(folder, '', [{ path: 'y.bin', length: 100 }], 5);
    expect(await treeDifferences(join(folder, 'x.bin'), join(folder, 'y.bin'))).toEqual([]);
  });
});
