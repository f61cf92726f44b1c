import { describe, expect, it } from 'vitest';
import type { ShareProgress } from '../share-progress';
import { testCore } from '../testing/core';
import { whileListed } from './in-progress';

const progress = (): ShareProgress => ({
  requestId: 9,
  name: 'photos',
  trackers: [],
  total: 10,
  hashed: 0,
  addedAt: 1,
  cancelled: false,
});

describe('whileListed', () => {
  it('lists the share and posts it at once while the work runs, and takes it off after', async () => {
    const { core, posts } = testCore();
    const seen = await whileListed(core, progress(), async () =>
      core.registry.views(0).map((view) => view.name),
    );
    expect(seen).toEqual(['photos']);
    expect(posts).toEqual([expect.objectContaining({ type: 'torrents', listed: ['hashing-9'] })]);
    expect(core.registry.views(0)).toEqual([]);
  });

  it('takes the share off the list when the work fails', async () => {
    const { core } = testCore();
    await expect(
      whileListed(core, progress(), async () => {
        throw new Error('unreadable');
      }),
    ).rejects.toThrow('unreadable');
    expect(core.registry.views(0)).toEqual([]);
  });
});
