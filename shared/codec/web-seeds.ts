// Web seeds (BEP 19): HTTP servers holding a torrent's files, named by a .torrent's `url-list` or a magnet link's
// `ws=`. Both come from whoever made the link, so each URL is checked before anything is fetched from it: http or
// https only (never file:, data:, javascript: or a custom scheme), no credentials in it (a link must not make the
// browser send a password), no whitespace or control characters, and bounded in length and in number.

/** Web seeds kept per torrent: more would only multiply the requests a hostile link can make us send. */
export const MAX_WEB_SEEDS = 16;
/** Characters of one web seed URL. */
export const MAX_WEB_SEED_URL_LENGTH = 2048;

/** scheme://authority rest, where the authority holds no `@` (credentials) and is not empty. */
const HTTP_URL = /^(https?):\/\/([^/?#@]+)([/?#].*)?$/i;
/** Whitespace and the characters a URL never holds raw (control characters are checked by code). */
const FORBIDDEN = /[\s<>"\\^`{|}]/u;

/** Has a C0 control character or DEL. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The URL, trimmed, when it may be a web seed; undefined otherwise. */
export function checkWebSeed(text: string): string | undefined {
  const url = text.trim();
  if (url.length === 0 || url.length > MAX_WEB_SEED_URL_LENGTH || FORBIDDEN.test(url) || hasControl(url))
    return undefined;
  const match = HTTP_URL.exec(url);
  if (!match) return undefined;
  const host = match[2];
  if (host.startsWith(':') || host.endsWith(':')) return undefined;
  // A scheme in either case means the same; it is written lower case so that duplicates are found.
  return `${match[1].toLowerCase()}://${host}${match[3] ?? ''}`;
}

/** The web seeds among `urls`: checked, without repeats, in order, at most MAX_WEB_SEEDS. */
export function webSeedList(urls: Iterable<string>): string[] {
  const out: string[] = [];
  for (const text of urls) {
    const url = checkWebSeed(text);
    if (url === undefined || out.includes(url)) continue;
    out.push(url);
    if (out.length === MAX_WEB_SEEDS) break;
  }
  return out;
}

/** The host of a checked web seed URL (its authority without a port), for messages. */
export function webSeedHost(url: string): string {
  const authority = HTTP_URL.exec(url)?.[2] ?? url;
  return authority.replace(/:\d+$/, '');
}

/** What the BEP 19 layout needs of the torrent. */
export interface WebSeedTorrent {
  name: string;
  /** The `files` form (even with one file). */
  multiFile: boolean;
}

/**
 * The URL of one file of the torrent on a web seed (BEP 19): for a multi-file torrent, the seed's URL (with a `/`
 * added if missing), then the torrent's name and each component of the file's path, each percent-encoded; for a
 * single file, the seed's URL as it is, unless it ends in `/`, then the torrent's name is added.
 */
export function webSeedFileUrl(seed: string, torrent: WebSeedTorrent, path: readonly string[]): string {
  if (!torrent.multiFile && !seed.endsWith('/')) return seed;
  const base = seed.endsWith('/') ? seed : `${seed}/`;
  const components = torrent.multiFile ? [torrent.name, ...path] : [torrent.name];
  return base + components.map((component) => encodeURIComponent(component)).join('/');
}

/**
 * Where the torrent's own .torrent is expected on a web seed, for a share link's `xs=`: beside its files, named
 * after the torrent (`<seed>/<name>.torrent`, the name percent-encoded), or for a single file served at its own URL,
 * that URL with `.torrent` added. Undefined when no such URL can be a web seed (a seed with a query or a fragment,
 * or too long).
 */
export function torrentFileBeside(seed: string, torrent: WebSeedTorrent): string | undefined {
  if (/[?#]/.test(seed)) return undefined;
  const url =
    !torrent.multiFile && !seed.endsWith('/')
      ? `${seed}.torrent`
      : `${seed.endsWith('/') ? seed : `${seed}/`}${encodeURIComponent(torrent.name)}.torrent`;
  return checkWebSeed(url);
}
