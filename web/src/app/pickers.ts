// The browser's file pickers and downloads: the File System Access pickers where the browser has them (Chromium),
// and the ordinary downloads that work everywhere.
import type { HandleLike } from '../lib/files/share-input';

interface FilePickers {
  showOpenFilePicker?: (options: object) => Promise<FileSystemFileHandle[]>;
  showDirectoryPicker?: (options: object) => Promise<FileSystemDirectoryHandle>;
}

/** The File System Access pickers, where the browser has them; undefined elsewhere. */
function filePickers(): FilePickers {
  return globalThis as FilePickers;
}

/** Whether this browser hands out persistent file handles (File System Access): shares read files in place. */
export function canShareInPlace(): boolean {
  return typeof filePickers().showOpenFilePicker === 'function';
}

/** Whether this browser can write straight into a folder, or hand out a persistent handle of one. */
export function canPickFolder(): boolean {
  return typeof filePickers().showDirectoryPicker === 'function';
}

/** Files (or a folder) picked with persistent handles, to share in place; undefined when cancelled or not offered. */
export async function pickToShare(what: 'files' | 'folder'): Promise<HandleLike[] | undefined> {
  const pickers = filePickers();
  try {
    if (what === 'files' && pickers.showOpenFilePicker)
      return await pickers.showOpenFilePicker({ multiple: true, id: 'swarmdrop-share' });
    if (what === 'folder' && pickers.showDirectoryPicker)
      return [(await pickers.showDirectoryPicker({ mode: 'read', id: 'swarmdrop-share' })) as HandleLike];
  } catch {
    // the user cancelled
  }
  return undefined;
}

/** A folder to save into; undefined when cancelled or not offered. */
export async function pickSaveFolder(): Promise<FileSystemDirectoryHandle | undefined> {
  const picker = filePickers().showDirectoryPicker;
  if (!picker) return undefined;
  try {
    return await picker({ mode: 'readwrite', id: 'swarmdrop' });
  } catch {
    return undefined; // the user cancelled
  }
}

/** An ordinary browser download of a Blob (works in every browser and in headless tests). */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser reads the blob after the click; give it time before freeing the URL.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * An ordinary browser download of a response the service worker streams with `Content-Disposition: attachment`:
 * loaded in a hidden frame, since Chromium does not hand an `<a download>` request to the service worker, and a
 * navigation of the page itself would fire `beforeunload` (which stops the engine) before it turns into a download.
 */
export function followAttachment(url: string): void {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'download';
  frame.src = url;
  document.body.append(frame);
  // The download has started long before; the frame has nothing else to do.
  setTimeout(() => frame.remove(), 60_000);
}
