// The files a torrent is made from, read as one stream of bytes: a span of the concatenated files, and each
// file's offset in it.
import { concatBytes } from './bytes';
import { MetainfoError } from './metainfo-files';

export interface SourceFile {
  /** Path components inside the torrent (for a single file: [name]). */
  path: string[];
  length: number;
  /** Reads `length` bytes at `offset` of this file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Reads bytes [start, end) of the concatenated files into one buffer (no copy when one file covers it). */
export async function readSpan(
  files: SourceFile[],
  offsets: number[],
  start: number,
  end: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < files.length && offsets[i] < end; i++) {
    const fileEnd = offsets[i] + files[i].length;
    if (fileEnd <= start || files[i].length === 0) continue;
    const from = Math.max(start, offsets[i]) - offsets[i];
    const to = Math.min(end, fileEnd) - offsets[i];
    const chunk = await files[i].read(from, to - from);
    if (chunk.length !== to - from) {
      throw new MetainfoError(
        `Reading "${files[i].path.join('/')}" at ${from} gave ${chunk.length} bytes instead of ${to - from}`,
      );
    }
    parts.push(chunk);
  }
  return concatBytes(parts);
}

/** Each file's offset in the concatenated data, and the total length (checked: safe, and not 0). */
export function sourceOffsets(files: readonly SourceFile[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const file of files) {
    offsets.push(total);
    total += file.length;
  }
  if (!Number.isSafeInteger(total)) throw new MetainfoError('The total length is too large');
  if (total === 0) throw new MetainfoError('The files hold no data (0 bytes in all)');
  return { offsets, total };
}
