import { describe, expect, it } from 'vitest';
import { canSaveAll, filesToSave } from './save-all';

const file = (index: number, complete: boolean, chosen: boolean) => ({
  index,
  path: `f${index}`,
  length: 1,
  complete,
  chosen,
});

describe('save all', () => {
  it('saves the chosen files once each of them is complete, whatever the unchecked ones are', () => {
    const view = { files: [file(0, true, true), file(1, false, false), file(2, true, true)] };
    expect(canSaveAll(view)).toBe(true);
    expect(filesToSave(view).map((f) => f.index)).toEqual([0, 2]);
  });

  it('waits for a chosen file that is not complete', () => {
    expect(canSaveAll({ files: [file(0, true, true), file(1, false, true)] })).toBe(false);
  });

  it('has nothing to save when nothing is chosen', () => {
    const view = { files: [file(0, true, false)] };
    expect(canSaveAll(view)).toBe(false);
    expect(filesToSave(view)).toEqual([]);
  });
});
