// Several files of a torrent as one zip, streamed: what the service worker answers for `Save all as .zip`, where the
// browser has no folder picker (Firefox). client-zip writes each file stored (zip holds bytes as they are: a share's
// files are mostly compressed media already, and stored is what keeps this a copy at flat memory), with a data
// descriptor after each file so its CRC is computed as the bytes pass, and ZIP64 records for files or archives past
// 4 GiB. Each file is opened only when the zip reaches it, so memory stays at a piece or two whatever the sizes.
import { makeZip, predictLength } from 'client-zip';
import { planFolderPaths, type FolderLike } from '../lib/files/folder-names';
import { safeFileName } from '../lib/files/safe-name';
import { servedHeaders } from './served-headers';

export interface ZipEntry {
  /** The file's path parts inside the torrent, as anyone made them: made safe and clash-free here. */
  path: readonly string[];
  length: number;
  /** The file's bytes, asked for when the zip reaches it. */
  open(): Promise<ReadableStream<Uint8Array> | null>;
}

/** A folder that holds nothing, for planning the names inside the zip as a folder save plans them. */
function emptyFolder(): FolderLike {
  const children = new Map<string, FolderLike>();
  return {
    entries: async function* () {},
    getDirectoryHandle: async (name) => {
      let child = children.get(name);
      if (!child) children.set(name, (child = emptyFolder()));
      return child;
    },
    getFileHandle: async () => undefined,
  };
}

/** The names inside the zip: each part made safe, then clashes numbered (`a?` and `a*` are `a_` and `a_ (2)`). */
export async function zipNames(paths: readonly (readonly string[])[]): Promise<string[]> {
  const plans = await planFolderPaths(emptyFolder(), paths);
  return plans.map((plan) => plan.parts.join('/'));
}

/** The zip of `entries` as a download named `<name>.zip`, with its exact length. */
export async function zipResponse(
  name: string,
  entries: readonly ZipEntry[],
  lastModified = new Date(),
): Promise<Response> {
  const names = await zipNames(entries.map((entry) => entry.path));
  const files = entries.map((entry, i) => ({ name: names[i], size: entry.length, open: entry.open }));
  async function* inputs() {
    for (const file of files) {
      const body = file.size > 0 ? await file.open() : null;
      yield { name: file.name, size: file.size, lastModified, input: body ?? new Uint8Array(0) };
    }
  }
  const length = predictLength(files.map((file) => ({ name: file.name, size: file.size })));
  const zipName = encodeURIComponent(safeFileName(`${name}.zip`));
  return new Response(makeZip(inputs(), { buffersAreUTF8: true }), {
    headers: {
      ...servedHeaders(true),
      'content-type': 'application/zip',
      'content-length': String(length),
      'content-disposition': `attachment; filename*=UTF-8''${zipName}`,
      'cache-control': 'no-store',
    },
  });
}
