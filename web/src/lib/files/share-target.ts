// The system's share sheet hands the installed app files (the manifest's `share_target`): a POST of
// multipart/form-data to /share-target, which the service worker answers. It holds the files in IndexedDB and
// sends the browser on to the app (303 to `/?share-target`), whose page shows them and shares them only on `Share`.
// The files wait in IndexedDB, not in the worker's memory: the service worker may be stopped between the POST and
// the page. Any site can post a form here, so the worker takes only what looks like a share sheet's
// (shareRequestAllowed, sharedFromForm), what it holds is bounded and soon dropped, and the page shares nothing
// before the user's `Share`.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

export const SHARE_TARGET_PATH = '/share-target';
/** Where the service worker sends the browser after a share: the page looks for held files when it has this. */
export const SHARED_PAGE = '/?share-target';

/**
 * At most this many files in one share. A share sheet sends a selection (a gallery's photos); a form from a page
 * could send thousands of tiny files, each a row the page then lists.
 */
export const MAX_SHARED_FILES = 100;
/**
 * At most this many bytes in one share: the held copy counts against the origin's storage quota until the page takes
 * it, so it must not crowd out the torrents' pieces; 4 GiB holds a phone's long video.
 */
export const MAX_SHARED_BYTES = 4 * 1024 ** 3;
/**
 * A held share older than this is dropped: the share sheet opens the page at once, so an older one is a share the
 * user has moved on from, which should not surface on some later visit.
 */
export const SHARED_LIFETIME_MS = 10 * 60_000;

/** The form fields the manifest's `share_target` names; a form with any other field is no share sheet's. */
const MANIFEST_FIELDS = new Set(['title', 'text', 'url', 'files']);

/**
 * The files of one share from the system, held for the page with when they arrived (`at`, ms since the epoch);
 * `refused`: why nothing is held (the share was over a bound), said to the user in words.
 */
export interface SharedIn {
  files: File[];
  at: number;
  refused?: string;
}

/** What the service worker reads of a request to decide whether a share sheet sent it. */
export interface ShareRequestLike {
  mode: string;
  referrer: string;
  headers: { get(name: string): string | null };
}

/**
 * Whether a POST to the share target may have come from the platform's share sheet (whose launch names no referrer)
 * or the app's own page: a top-level navigation whose referrer, if any, is of the app's `origin`. A script's `fetch`
 * is no navigation; another site's form names its origin as the referrer by default. A page that hides its referrer
 * (`no-referrer`) cannot be told from the share sheet: the service worker sees no `Sec-Fetch-Site` (the browser adds
 * it after the worker), though a browser that shows it is taken at its word. What gets through is only held and
 * shown: nothing is shared before `Share`.
 */
export function shareRequestAllowed(request: ShareRequestLike, origin: string): boolean {
  if (request.mode !== 'navigate') return false;
  if (request.referrer && new URL(request.referrer).origin !== origin) return false;
  const site = request.headers.get('Sec-Fetch-Site');
  return site === null || site === 'none' || site === 'same-origin';
}

const tooLarge = (now: number): SharedIn => ({
  files: [],
  at: now,
  refused: 'The files shared are larger than 4 GiB in all: share fewer at once.',
});

/**
 * A share whose body says it is over the size bound, refused before the form is read (reading it would store it all
 * first); null when the body may be within the bound, or does not say its length.
 */
export function sharedOverSize(contentLength: string | null, now: number): SharedIn | null {
  // The form's boundaries and headers: a few hundred bytes a file.
  const overhead = MAX_SHARED_FILES * 1024;
  return Number(contentLength) > MAX_SHARED_BYTES + overhead ? tooLarge(now) : null;
}

/**
 * The share a POST carries: every `files` entry that is a file (a share sheet sends several at once), at `now`; a
 * share over a bound holds no file and says why. Null when the form is no share sheet's: no file, or a field the
 * manifest does not name.
 */
export function sharedFromForm(form: FormData, now: number): SharedIn | null {
  for (const name of form.keys()) if (!MANIFEST_FIELDS.has(name)) return null;
  const files = form.getAll('files').filter((value): value is File => typeof value !== 'string');
  if (files.length === 0) return null;
  if (files.length > MAX_SHARED_FILES)
    return {
      files: [],
      at: now,
      refused: `${files.length} files were shared: at most ${MAX_SHARED_FILES} at once.`,
    };
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  if (bytes > MAX_SHARED_BYTES) return tooLarge(now);
  return { files, at: now };
}

const KEY = 'pending';
let store: UseStore | undefined;
const pending = () => (store ??= createStore('swarmdrop-share-target', 'shared'));

/** Holds a share for the page (the newest share replaces one the page has not taken). */
export function keepShared(shared: SharedIn): Promise<void> {
  return set(KEY, shared, pending());
}

/** The share waiting for the page, taken out of storage; undefined when there is none or it is stale at `now`. */
export async function takeShared(now = Date.now()): Promise<SharedIn | undefined> {
  const shared = (await get(KEY, pending())) as SharedIn | undefined;
  if (!shared) return undefined;
  await del(KEY, pending());
  const age = now - (typeof shared.at === 'number' ? shared.at : 0);
  return age >= 0 && age <= SHARED_LIFETIME_MS ? shared : undefined;
}
