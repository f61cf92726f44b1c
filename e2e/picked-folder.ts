// The folder a test "picks" for `Save all to a folder`: a real directory handle of the origin's private file system,
// handed out by a stand-in `showDirectoryPicker` (a headless test cannot answer the browser's own picker).
import type { Page } from '@playwright/test';
import { sha256 } from './helpers';

/** Makes `showDirectoryPicker` hand out the origin-private folder `picked`. */
export async function pickFolderInPage(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const picked = await root.getDirectoryHandle('picked', { create: true });
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = () => Promise.resolve(picked);
  });
}

/** The files directly in `picked/<folder>` and their bytes; undefined while the folder is missing or a file is
 * being created (the listing may then throw). */
export function readPickedFolder(page: Page, folder: string): Promise<Record<string, number[]> | undefined> {
  return page.evaluate(async (folder) => {
    try {
      const root = await navigator.storage.getDirectory();
      const inside = await (await root.getDirectoryHandle('picked')).getDirectoryHandle(folder);
      const found: Record<string, number[]> = {};
      for await (const [name, handle] of (
        inside as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
      ).entries())
        if (handle.kind === 'file')
          found[name] = [
            ...new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()),
          ];
      return found;
    } catch {
      return undefined;
    }
  }, folder);
}

/** Each file's name and the SHA-256 of its bytes. */
export function hashesOf(found: Record<string, number[]> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(found ?? {}).map(([name, bytes]) => [name, sha256(new Uint8Array(bytes))]),
  );
}
