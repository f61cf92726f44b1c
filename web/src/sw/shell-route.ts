// Which requests the app shell answers, so that the installed app opens with no network: the page itself (`/`, with
// any query: a launch or a share target's redirect) from the network first and from the cache when the network
// fails, and the build's files (hashed names that never change) from the cache first. Nothing else: files, zips,
// the tracker's /health and /stats are never cached.

export type ShellRoute =
  /** The app's page: fresh from the network when there is one, the cached page otherwise. */
  | { kind: 'page' }
  /** A file of the build: the cached copy, or the network when it is not cached. */
  | { kind: 'asset'; path: string }
  | null;

/** The cached copy of the page: `/` is served as this file. */
export const SHELL_PAGE = '/index.html';

export function shellRoute(url: URL, method: string, mode: string, shell: ReadonlySet<string>): ShellRoute {
  if (method !== 'GET') return null;
  if (mode === 'navigate' && (url.pathname === '/' || url.pathname === SHELL_PAGE)) return { kind: 'page' };
  return shell.has(url.pathname) && url.pathname !== SHELL_PAGE
    ? { kind: 'asset', path: url.pathname }
    : null;
}
