import { describe, expect, it } from 'vitest';
import type { TorrentView } from '../lib/messages/protocol';
import { finishedDownloads } from './finished';

const view = (infoHashHex: string, state: TorrentView['state']) => ({ infoHashHex, state }) as TorrentView;

describe('finishedDownloads', () => {
  it('names the torrents that went from downloading to seeding, and no other', () => {
    const before = [view('a', 'downloading'), view('b', 'seeding'), view('c', 'downloading')];
    const after = [view('a', 'seeding'), view('b', 'seeding'), view('c', 'paused'), view('d', 'seeding')];
    expect(finishedDownloads(before, after).map((v) => v.infoHashHex)).toEqual(['a']);
  });
});
