// The URL under which the service worker serves several files of a torrent as one zip (`Save all as .zip`): the
// torrent, the zip's name for the browser's download, and the files by index.

/** `/zip/<info hash>/<name>.zip?files=0,2,5`. */
export function zipUrl(infoHashHex: string, name: string, fileIndices: readonly number[]): string {
  return `/zip/${infoHashHex}/${encodeURIComponent(name)}.zip?files=${fileIndices.join(',')}`;
}

/** Reads a zip URL; null for any other path, or a list of files that is not one of distinct indices. */
export function parseZipUrl(
  pathname: string,
  search: URLSearchParams,
): { infoHashHex: string; name: string; fileIndices: number[] } | null {
  const match = /^\/zip\/([0-9a-f]{40})\/([^/]+)\.zip$/.exec(pathname);
  const files = search.get('files');
  if (!match || !files || !/^\d{1,9}(,\d{1,9})*$/.test(files)) return null;
  const fileIndices = files.split(',').map(Number);
  if (new Set(fileIndices).size !== fileIndices.length) return null;
  let name: string;
  try {
    name = decodeURIComponent(match[2]);
  } catch {
    return null;
  }
  return { infoHashHex: match[1], name, fileIndices };
}
