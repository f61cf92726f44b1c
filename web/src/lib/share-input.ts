// Turns what the user picked or dropped into a share request: the torrent's name and each file's path inside it.

export interface PickedFile {
  file: File;
  /** Path from the pick or drop root, with '/' separators: `photos/2024/a.jpg`, or just `a.jpg`. */
  relativePath: string;
}

export interface ShareRequest {
  name: string;
  files: Array<{ file: File; path: string[] }>;
}

export class ShareInputError extends Error {
  override name = 'ShareInputError';
}

function split(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * One folder (every path starts with the same folder): the torrent is named after it and the paths are inside it.
 * One file: a single-file torrent named after it. Several loose files: named after the first, `and N more`.
 */
export function shareRequest(picked: readonly PickedFile[]): ShareRequest {
  if (picked.length === 0) throw new ShareInputError('Choose at least one file to share');
  const paths = picked.map((p) => split(p.relativePath || p.file.name));
  const first = paths[0][0];
  const oneFolder = paths.every((parts) => parts.length > 1 && parts[0] === first);
  if (oneFolder) {
    return {
      name: first,
      files: picked.map((p, i) => ({ file: p.file, path: paths[i].slice(1) })),
    };
  }
  if (picked.length === 1) {
    const name = paths[0][paths[0].length - 1];
    return { name, files: [{ file: picked[0].file, path: [name] }] };
  }
  const name = `${paths[0][paths[0].length - 1]} and ${picked.length - 1} more`;
  return { name, files: picked.map((p, i) => ({ file: p.file, path: paths[i] })) };
}

/** Files of an `<input type=file>` (with `webkitRelativePath` for a folder input). */
export function pickedFromInput(files: FileList | readonly File[]): PickedFile[] {
  return Array.from(files, (file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}

/** Files and folders dropped on the page, folders walked recursively (empty files included). */
export async function pickedFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) return pickedFromInput(transfer.files);
  const out: PickedFile[] = loose.map((file) => ({ file, relativePath: file.name }));
  for (const entry of entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  const relativePath = entry.fullPath.replace(/^\/+/, '');
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ file, relativePath: relativePath || file.name });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}
