// The words a share link's exact source (BEP 9 `xs=`, its .torrent on a web server) is named by, on the page and in
// the worker alike: the file the link names and the sentence said while it is fetched (net/exact-source.ts fetches).
import { parseMagnet } from '../../../../shared/codec/magnet';
import { webSeedHost } from '../../../../shared/codec/web-seeds';

/** The last part of the URL's path, decoded where it can be: the file the words name. */
export function exactSourceFile(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '');
  const last = path.slice(path.lastIndexOf('/') + 1) || path;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** What the page says while a link's .torrent is fetched (`Fetching x.torrent from host…`), or undefined for a
 * link that names none. */
export function fetchingWords(link: string): string | undefined {
  let url: string | undefined;
  try {
    url = parseMagnet(link, { v2: true }).exactSource;
  } catch {
    return undefined;
  }
  return url === undefined ? undefined : `Fetching ${exactSourceFile(url)} from ${webSeedHost(url)}…`;
}
