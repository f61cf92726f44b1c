// The app shell in the service worker: the build's files cached at install (scripts/build-sw.mjs lists them), old
// shells dropped at activation, and the requests shell-route.ts picks answered from them; and the share target's POST
// (lib/files/share-target.ts). What a service worker scope offers is passed in, so sw.ts stays the one global.
import { keepShared, SHARE_TARGET_PATH, SHARED_PAGE, sharedFromForm } from '../lib/files/share-target';
import { SHELL_PAGE, shellRoute } from './shell-route';

declare const SHELL_FILES: string[] | undefined;
declare const SHELL_VERSION: string | undefined;

const PREFIX = 'swarmdrop-shell-';
/** Empty where the worker was bundled with no build beside it: nothing is cached. */
const files: string[] = typeof SHELL_FILES === 'undefined' ? [] : SHELL_FILES;
const cacheName = PREFIX + (typeof SHELL_VERSION === 'undefined' ? 'none' : SHELL_VERSION);
const shell = new Set(files);

/** Caches this build's shell (at install: the worker becomes active once it holds it). A shell that cannot be
 * cached (storage full, a file gone mid-deploy) only loses the offline start: the worker still streams files. */
export async function cacheShell(): Promise<void> {
  if (files.length === 0) return;
  try {
    const cache = await caches.open(cacheName);
    await cache.addAll(files.map((path) => new Request(path, { cache: 'reload' })));
  } catch {
    // the next build's worker tries again
  }
}

/** Drops the shells of earlier builds (at activation). */
export async function dropOldShells(): Promise<void> {
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
    const cached = await fromCache(SHELL_PAGE);
    if (cached) return cached;
    throw error;
  }
}

async function asset(request: Request, path: string): Promise<Response> {
  return (await fromCache(path)) ?? fetch(request);
}

/** The share target: keeps the files for the page and sends the browser to it. */
async function receiveShare(request: Request): Promise<Response> {
  const shared = sharedFromForm(await request.formData());
  if (shared) await keepShared(shared);
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
