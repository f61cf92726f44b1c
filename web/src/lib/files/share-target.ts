// The system's share sheet hands the installed app files (the manifest's `share_target`): a POST of
// multipart/form-data to /share-target, which the service worker answers. It keeps the files in IndexedDB and
// sends the browser on to the app (303 to `/?share-target`), whose page takes them and shares them. The files wait
// in IndexedDB, not in the worker's memory: the service worker may be stopped between the POST and the page.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

export const SHARE_TARGET_PATH = '/share-target';
/** Where the service worker sends the browser after a share: the page looks for shared files when it has this. */
export const SHARED_PAGE = '/?share-target';

/** The files of one share from the system, and whether to encrypt them (absent: the app's own choice). */
export interface SharedIn {
  files: File[];
  encrypt?: boolean;
}

const KEY = 'pending';
let store: UseStore | undefined;
const pending = () => (store ??= createStore('swarmdrop-share-target', 'shared'));

/**
 * The share a POST carries: every `files` entry that is a file (a share sheet sends several at once), and `encrypt`
 * when the form says `1` or `0`; null when there is no file.
 */
export function sharedFromForm(form: FormData): SharedIn | null {
  const files = form.getAll('files').filter((value): value is File => typeof value !== 'string');
  if (files.length === 0) return null;
  const encrypt = form.get('encrypt');
  return encrypt === '1' || encrypt === '0' ? { files, encrypt: encrypt === '1' } : { files };
}

/** Keeps a share for the page (the newest share replaces one the page has not taken). */
export function keepShared(shared: SharedIn): Promise<void> {
  return set(KEY, shared, pending());
}

/** The share waiting for the page, taken out of storage; undefined when there is none. */
export async function takeShared(): Promise<SharedIn | undefined> {
  const shared = (await get(KEY, pending())) as SharedIn | undefined;
  if (shared) await del(KEY, pending());
  return shared;
}
