import { describe, expect, it, vi } from 'vitest';
import { handleLaunch, isSharedPage, type LaunchTarget } from './launch';

const target = (): LaunchTarget & { opened: string[] } => {
  const opened: string[] = [];
  return {
    opened,
    openTorrentFile: vi.fn(async (file: File) => void opened.push(file.name)),
    share: vi.fn(async () => undefined),
  };
};
const handle = (file: File) => ({ kind: 'file', getFile: async () => file });

describe('handleLaunch', () => {
  it('opens each .torrent file handed to the app, and nothing else', async () => {
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
    expect(app.opened).toEqual(['a.torrent', 'named-by-type']);
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
