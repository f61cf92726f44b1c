// Which files of the built web app the HTTP side may serve, and which one a URL path names. A request's path is
// decoded, normalised and only then checked, so no percent-encoding (`.ma%70`, `%2emap`, `%2e%2e%2f`) gets a name
// past a check that looked at the still-encoded text. Only the build's own regular files are served: a list taken
// by walking the folder (symbolic links not followed), source maps left out.
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

/** A listing is taken again on a miss at most this often (so a rebuild is picked up), in ms. */
export const BUILD_RESCAN_MS = 1000;
/** Files listed at most: the build has a few dozen; a folder with more is not a build. */
export const MAX_BUILD_FILES = 10_000;

/**
 * The build-relative name a URL path names (`assets/main.js`, no leading slash), decoded and normalised, or null
 * when it is malformed (a bad escape, a NUL or a backslash) or climbs above the build's root.
 */
export function buildRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return null;
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  // A trailing slash stays, so `/assets/main.js/` names no file.
  return segments.join('/') + (decoded.endsWith('/') && segments.length > 0 ? '/' : '');
}

/** A source map: never served, whatever the build holds (it would show strangers our sources, comments and all). */
export function isSourceMap(relativePath: string): boolean {
  return extname(relativePath.replace(/[/.\s]+$/, '')).toLowerCase() === '.map';
}

/** The regular files of a build folder, as build-relative names; source maps and symbolic links left out. */
export function listBuild(root: string): Set<string> {
  const files = new Set<string>();
  const walk = (folder: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (files.size >= MAX_BUILD_FILES) return;
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(folder, entry.name), name);
      else if (entry.isFile() && !isSourceMap(name)) files.add(name);
    }
  };
  walk(root, '');
  return files;
}

/** The files a build folder may serve, listed at the first question and again, at most once a second, on a miss. */
export class BuildFiles {
  private files: Set<string> | null = null;
  private listedAt = -Infinity;

  constructor(
    readonly root: string,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The file's path on disk when `relativePath` is a file of the build, else null. */
  find(relativePath: string): string | null {
    if (isSourceMap(relativePath)) return null;
    if (!this.files?.has(relativePath) && this.now() - this.listedAt >= BUILD_RESCAN_MS) {
      this.files = listBuild(this.root);
      this.listedAt = this.now();
    }
    return this.files!.has(relativePath) ? join(this.root, ...relativePath.split('/')) : null;
  }
}
