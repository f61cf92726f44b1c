// A torrent of 100,000 pieces (nobody seeds it): the worker posts its availability once in full and then only
// changes, the piece map shows every piece, and the page still handles clicks while it is listed.
import { expect, test } from '@playwright/test';
import { expectStatus, openApp, tempDir, torrentItem, unseededTorrent } from './helpers';

const PIECES = 100_000;

/** What the page received about the big torrent in each `torrents` message from the worker. */
interface Post {
  kind: 'full' | 'changed' | 'none';
  cells: number;
}

test('a 100,000-piece torrent gets its availability in full once, then as changes, and the page stays usable', async ({
  page,
}) => {
  // Record the worker's posts as the page receives them (before the app's own handler runs).
  await page.addInitScript((pieces: number) => {
    const posts: Post[] = [];
    (window as unknown as { __bigPosts: Post[] }).__bigPosts = posts;
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', (event: MessageEvent) => {
          const message = event.data as { type: string; torrents?: Array<Record<string, unknown>> };
          if (message.type !== 'torrents') return;
          const big = message.torrents?.find((t) => t.pieceCount === pieces);
          if (!big) return;
          const patch = big.availability as { full?: unknown[]; changed?: unknown[] } | unknown[] | undefined;
          if (Array.isArray(patch)) posts.push({ kind: 'full', cells: patch.length });
          else if (patch?.full) posts.push({ kind: 'full', cells: patch.full.length });
          else if (patch?.changed) posts.push({ kind: 'changed', cells: patch.changed.length / 2 });
          else posts.push({ kind: 'none', cells: 0 });
        });
      }
    };
  }, PIECES);

  const dir = tempDir();
  await openApp(page);
  await page.getByLabel('Open .torrent file').setInputFiles(unseededTorrent(dir, 'big.bin', PIECES));
  const item = torrentItem(page, 'big.bin');
  await expect(item).toBeVisible();

  // The piece map lists every piece (rebuilt on the page from the snapshot and the changes). Its canvas is painted
  // once its section is open, not before (a closed map cost the page its paint at every refresh).
  const corner = () =>
    item
      .locator('canvas')
      .evaluate((canvas: HTMLCanvasElement) => [...canvas.getContext('2d')!.getImageData(0, 0, 1, 1).data]);
  expect(await corner()).toEqual([0, 0, 0, 0]);
  await item.locator('summary').click();
  await expect(item.getByRole('img', { name: `Piece map: 0 of ${PIECES} pieces` })).toBeVisible();
  // Nobody connected has piece 0: its cell is the pale one.
  await expect.poll(corner).toEqual([0xe9, 0xd9, 0xd6, 255]);
  expect((await item.locator('[data-bitfield]').getAttribute('data-bitfield'))?.length).toBe(PIECES);

  // Clicks are handled while it is listed: pause and resume it.
  await item.getByRole('button', { name: 'Pause' }).click();
  await expectStatus(item, 'Paused', 10_000);
  await item.getByRole('button', { name: 'Resume' }).click();
  await expect(item.getByRole('button', { name: 'Pause' })).toBeEnabled({ timeout: 10_000 });

  // Several posts of the torrent reached the page; only the first carried the whole availability.
  const posts = await page.evaluate(() => (window as unknown as { __bigPosts: Post[] }).__bigPosts);
  expect(posts.length).toBeGreaterThanOrEqual(3);
  expect(posts[0]).toEqual({ kind: 'full', cells: PIECES });
  expect(posts.slice(1).filter((p) => p.kind === 'full')).toEqual([]);
  // Nobody has any piece: nothing changed after the snapshot.
  expect(posts.slice(1).every((p) => p.cells < PIECES)).toBe(true);
});
