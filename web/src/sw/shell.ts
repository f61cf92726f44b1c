// The app shell in the service worker: the build's files (scripts/build-sw.mjs lists them) cached once the worker is
// active, old shells dropped once the new one is whole, and the requests shell-route.ts picks answered from them; and the share target's POST
// (lib/files/share-target.ts). What a service worker scope offers is passed in, so sw.ts stays the one global.
import {
  keepShared,
  SHARE_TARGET_PATH,
  SHARED_PAGE,
  sharedFromForm,
  sharedOverSize,
  shareRequestAllowed,
} from '../lib/files/share-target';
import { SHELL_PAGE, shellRoute } from './shell-route';

declare const SHELL_FILES: string[] | undefined;
declare const SHELL_VERSION: string | undefined;

const PREFIX = 'swarmdrop-shell-';
/** Empty where the worker was bundled with no build beside it: nothing is cached. */
const files: string[] = typeof SHELL_FILES === 'undefined' ? [] : SHELL_FILES;
const cacheName = PREFIX + (typeof SHELL_VERSION === 'undefined' ? 'none' : SHELL_VERSION);
const shell = new Set(files);

let filled: Promise<boolean> | undefined;

/** Caches this build's shell, once per run of the worker, after the worker is active: a first visit's Save and Play
 * stream through the worker at once rather than after a megabyte of shell. Resolves true once the cache holds every
 * file (`addAll` stores all of them or none, so a worker stopped mid-fill leaves nothing and its next run fills
 * again); only then are older shells dropped, so an installed app keeps an offline start throughout. A shell that
 * cannot be cached (storage full, a file gone mid-deploy) only loses the offline start: the worker still streams. */
export function fillShell(): Promise<boolean> {
  filled ??= fill();
  return filled;
}

async function fill(): Promise<boolean> {
  if (files.length === 0) return false;
  try {
    const cache = await caches.open(cacheName);
    if (!(await holdsShell(cache)))
      await cache.addAll(files.map((path) => new Request(path, { cache: 'reload' })));
    await dropOldShells();
    return true;
  } catch {
    return false;
  }
}

/** Whether `cache` holds every file of this build's shell. */
async function holdsShell(cache: Cache): Promise<boolean> {
  const held = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  return files.every((path) => held.has(path));
}

/** Drops the shells of earlier builds. */
async function dropOldShells(): Promise<void> {
  for (const name of await caches.keys())
    if (name.startsWith(PREFIX) && name !== cacheName) await caches.delete(name);
}

async function fromCache(path: string): Promise<Response | undefined> {
  return (await caches.open(cacheName)).match(path);
}

/** The page: from the network, else the cached page (offline, or the server gone). */
async function page(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    // Only a whole shell: a page whose scripts are not cached would not start.
    const cache = await caches.open(cacheName);
    const cached = (await holdsShell(cache)) ? await cache.match(SHELL_PAGE) : undefined;
    if (cached) return cached;
    throw error;
  }
}

async function asset(request: Request, path: string): Promise<Response> {
  return (await fromCache(path)) ?? fetch(request);
}

/**
 * The share target: holds the files for the page and sends the browser to it, where they wait for `Share`. A POST
 * no share sheet sent (another site's form, a script's fetch, a form with fields the manifest does not name) holds
 * nothing and lands on the app's first screen, as if the app had simply been opened.
 */
async function receiveShare(request: Request): Promise<Response> {
  const home = Response.redirect('/', 303);
  if (!shareRequestAllowed(request, new URL(request.url).origin)) return home;
  let shared = sharedOverSize(request.headers.get('Content-Length'), Date.now());
  try {
    shared ??= sharedFromForm(await request.formData(), Date.now());
  } catch {
    return home;
  }
  if (!shared) return home;
  await keepShared(shared);
  return Response.redirect(SHARED_PAGE, 303);
}

/** The answer of the shell or the share target to a request, or undefined when it is not theirs. */
export function shellResponse(request: Request): Promise<Response> | undefined {
  const url = new URL(request.url);
  if (request.method === 'POST' && url.pathname === SHARE_TARGET_PATH) return receiveShare(request);
  const route = shellRoute(url, request.method, request.mode, shell);
  if (!route) return undefined;
  return route.kind === 'page' ? page(request) : asset(request, route.path);
}
