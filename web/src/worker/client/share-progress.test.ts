import { describe, expect, it } from 'vitest';
import { shareView, type ShareProgress } from './share-progress';

const progress = (over: Partial<ShareProgress> = {}): ShareProgress => ({
  requestId: 3,
  name: 'holiday',
  trackers: ['wss://t.example/'],
  total: 400,
  hashed: 100,
  addedAt: 1234,
  cancelled: false,
  ...over,
});

describe('shareView', () => {
  it('shows a share being hashed by its key and name, with the part hashed', () => {
    const view = shareView('hashing-3', progress());
    expect(view).toMatchObject({
      infoHashHex: 'hashing-3',
      name: 'holiday',
      state: 'fetching-metadata',
      length: 400,
      hashing: 0.25,
      addedAt: 1234,
      trackers: ['wss://t.example/'],
    });
    expect(view.checking).toBeUndefined();
  });

  it('says when the files chosen for a .torrent are being checked', () => {
    expect(shareView('hashing-4', progress({ checking: true })).checking).toBe(true);
  });

  it('counts an empty share as not started rather than dividing by zero', () => {
    expect(shareView('hashing-5', progress({ total: 0, hashed: 0 })).hashing).toBe(0);
  });
});
