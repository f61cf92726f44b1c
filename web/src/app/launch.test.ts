import { describe, expect, it, vi } from 'vitest';
import type { SharedIn } from '../lib/files/share-target';
import { handleLaunch, isSharedPage, type LaunchTarget } from './launch';

const held: SharedIn = { files: [new File(['a'], 'shared.txt')], at: 1 };
vi.mock('../lib/files/share-target', async (original) => ({
  ...(await original<typeof import('../lib/files/share-target')>()),
  takeShared: async () => held,
}));

const target = (): LaunchTarget & { held: string[]; shares: SharedIn[] } => {
  const names: string[] = [];
  const shares: SharedIn[] = [];
  return {
    held: names,
    shares,
    holdTorrentFile: vi.fn((file: File) => void names.push(file.name)),
    holdShare: vi.fn((shared: SharedIn) => void shares.push(shared)),
  };
};
const handle = (file: File) => ({ kind: 'file', getFile: async () => file });

describe('handleLaunch', () => {
  it('holds each .torrent file handed to the app for the user to confirm, and nothing else', async () => {
    const app = target();
    await handleLaunch(
      {
        files: [
          handle(new File(['d4:infoe'], 'a.torrent')),
          handle(new File(['x'], 'notes.txt')),
          handle(new File(['d4:infoe'], 'named-by-type', { type: 'application/x-bittorrent' })),
          { kind: 'directory' },
        ],
      },
      app,
      () => undefined,
    );
    expect(app.held).toEqual(['a.torrent', 'named-by-type']);
  });

  it('holds what the share target kept, to be shown rather than shared', async () => {
    const app = target();
    await handleLaunch({ targetURL: 'https://app.example/?share-target' }, app, () => undefined);
    expect(app.shares).toEqual([held]);
  });

  it('hands a magnet link’s fragment to the page, which asks before it downloads', async () => {
    const fragments: string[] = [];
    const magnet = `#${encodeURIComponent(`magnet:?xt=urn:btih:${'ab'.repeat(20)}`)}`;
    await handleLaunch({ targetURL: `https://app.example/${magnet}` }, target(), (hash) =>
      fragments.push(hash),
    );
    await handleLaunch({ targetURL: 'https://app.example/' }, target(), (hash) => fragments.push(hash));
    expect(fragments).toEqual([magnet]);
  });
});

describe('isSharedPage', () => {
  it('knows the page a share target is sent on to', () => {
    expect(isSharedPage(new URL('https://app.example/?share-target'))).toBe(true);
    expect(isSharedPage(new URL('https://app.example/'))).toBe(false);
  });
});
