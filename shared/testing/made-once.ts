// Test inputs that are costly to make (media encoded by ffmpeg) are made once per machine and reused by every test,
// spec and run: each is kept in a cache folder under the hash of what makes it (the command line and the version of
// the tool that runs it). A file is made under a temporary name in that folder and renamed into place, so another
// process that asks for it at the same time sees no file or the whole file, never half of one.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The cache every test of the project shares, unless told otherwise (`SWARMDROP_MEDIA_CACHE`: a folder CI keeps). */
export const DEFAULT_CACHE = process.env.SWARMDROP_MEDIA_CACHE ?? join(tmpdir(), 'swarmdrop-media-cache');

export interface MadeOnce {
  /** What makes the file: every argument and the tool's version (a new ffmpeg encodes anew). */
  recipe: readonly string[];
  /** The file's extension without its dot (the tool may pick its format from it). */
  extension: string;
  /** Writes the file at `path` (a temporary name with the same extension). */
  make(path: string): void;
  /** The cache folder (default: `DEFAULT_CACHE`). */
  cache?: string;
}

/** The cache's name for a file made by `recipe`: a hash of its parts, each told apart from the next. */
export function cacheKey(recipe: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 32);
}

/** The path of the file `recipe` makes, made now if the cache does not hold it yet. */
export function madeOnce({ recipe, extension, make, cache = DEFAULT_CACHE }: MadeOnce): string {
  const path = join(cache, `${cacheKey(recipe)}.${extension}`);
  if (existsSync(path)) return path;
  mkdirSync(cache, { recursive: true });
  const temporary = join(
    cache,
    `.${cacheKey(recipe)}-${process.pid}-${randomBytes(4).toString('hex')}.${extension}`,
  );
  try {
    make(temporary);
    // Atomic within a folder: a process that made the same file meanwhile is replaced by an equal file.
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
  return path;
}
