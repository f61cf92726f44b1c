import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../../shared/codec/bitfield';
import { SharedFileError } from '../storage/shared-files';
import { SHARED_FILES_CHECK_MS, SharedFilesWatch, sharedFailure } from './shared-watch';
import { fakeInfo, settle } from './testing/fakes';

const info = fakeInfo([{ name: 'a.bin', length: 40 }], 10);

function setup(check: () => Promise<Bitfield>) {
  let now = 0;
  let checks = 0;
  const watch = new SharedFilesWatch(
    {
      verifiedPieces: () => {
        checks++;
        return check();
      },
    },
    () => now,
  );
  return { watch, at: (ms: number) => (now = ms), checks: () => checks };
}

describe('SharedFilesWatch', () => {
  it('looks at the files every SHARED_FILES_CHECK_MS, and reports what went wrong', async () => {
    const failed: unknown[] = [];
    const error = new SharedFileError('a.bin changed');
    const { watch, at, checks } = setup(() => Promise.reject(error));
    watch.tick(info, (e) => failed.push(e));
    at(SHARED_FILES_CHECK_MS - 1);
    watch.tick(info, (e) => failed.push(e));
    at(SHARED_FILES_CHECK_MS);
    watch.tick(info, (e) => failed.push(e));
    await settle();
    expect(checks()).toBe(2);
    expect(failed).toEqual([error, error]);
  });

  it('rechecks every file for `Resume sharing`: the pieces they hold, or the failure to show', async () => {
    const held = new Bitfield(info.pieceCount);
    held.set(2);
    const ok = setup(async () => held);
    const checked = await ok.watch.recheck(info);
    expect('verified' in checked && checked.verified.get(2)).toBe(true);
    const denied = setup(() => Promise.reject(new SharedFileError('a.bin cannot be read', true)));
    expect(await denied.watch.recheck(info)).toEqual({
      failure: { reason: 'a.bin cannot be read', needsPermission: true },
    });
    const broken = setup(() => Promise.reject(new Error('gone')));
    expect(await broken.watch.recheck(info)).toEqual({ failure: { reason: 'gone', needsPermission: false } });
  });

  it('waits a full interval after a recheck before it looks again', async () => {
    const { watch, at, checks } = setup(async () => new Bitfield(info.pieceCount));
    at(1000);
    await watch.recheck(info);
    at(1000 + SHARED_FILES_CHECK_MS - 1);
    watch.tick(info, () => {});
    expect(checks()).toBe(1);
  });
});

describe('sharedFailure', () => {
  it("is a shared file's failure, with whether permission is what is missing; nothing for other errors", () => {
    expect(sharedFailure(new SharedFileError('x changed'))).toEqual({
      reason: 'x changed',
      needsPermission: false,
    });
    expect(sharedFailure(new SharedFileError('x', true))?.needsPermission).toBe(true);
    expect(sharedFailure(new Error('other'))).toBeUndefined();
  });
});
