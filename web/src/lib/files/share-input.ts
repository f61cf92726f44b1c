// Turns what the user picked or dropped into a share request: the torrent's name and each file's path inside it.

export interface PickedFile {
  file: File;
  /** Path from the pick or drop root, with '/' separators: `photos/2024/a.jpg`, or just `a.jpg`. */
  relativePath: string;
  /** A persistent handle of the file, where the browser gives one: the share then reads the file in place. */
  handle?: FileSystemFileHandle;
}

export interface ShareRequest {
  name: string;
  files: Array<{ file: File; path: string[]; handle?: FileSystemFileHandle }>;
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
      files: picked.map((p, i) => withHandle(p, paths[i].slice(1))),
    };
  }
  if (picked.length === 1) {
    const name = paths[0][paths[0].length - 1];
    return { name, files: [withHandle(picked[0], [name])] };
  }
  const name = `${paths[0][paths[0].length - 1]} and ${picked.length - 1} more`;
  return { name, files: picked.map((p, i) => withHandle(p, paths[i])) };
}

function withHandle(picked: PickedFile, path: string[]): ShareRequest['files'][number] {
  return picked.handle ? { file: picked.file, path, handle: picked.handle } : { file: picked.file, path };
}

/** What a File System Access handle offers that the walk below uses (the DOM library lacks `values()`). */
export type HandleLike =
  FileSystemFileHandle | (FileSystemDirectoryHandle & { values(): AsyncIterable<HandleLike> });

/** Files picked with File System Access handles (showOpenFilePicker, or a drop), folders walked recursively. */
export async function pickedFromHandles(handles: readonly HandleLike[]): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const walkHandle = async (handle: HandleLike, prefix: string): Promise<void> => {
    const relativePath = prefix ? `${prefix}/${handle.name}` : handle.name;
    if (handle.kind === 'file') {
      const file = await (handle as FileSystemFileHandle).getFile();
      out.push({ file, relativePath, handle: handle as FileSystemFileHandle });
      return;
    }
    const children = (handle as { values(): AsyncIterable<HandleLike> }).values();
    for await (const child of children) await walkHandle(child, relativePath);
  };
  for (const handle of handles) await walkHandle(handle, '');
  return out;
}

/**
 * Persistent handles of dropped items, where the browser gives them (`getAsFileSystemHandle`, asked for during the
 * drop event itself, as the items are gone after it); undefined where it does not, or for any item without one.
 */
export function dropHandles(transfer: DataTransfer): Promise<HandleLike[] | undefined> | undefined {
  const items = Array.from(transfer.items).filter((item) => item.kind === 'file');
  type WithHandle = DataTransferItem & {
    getAsFileSystemHandle?: () => Promise<HandleLike | null | undefined>;
  };
  if (
    items.length === 0 ||
    !items.every((item) => typeof (item as WithHandle).getAsFileSystemHandle === 'function')
  )
    return undefined;
  const pending = items.map((item) => (item as WithHandle).getAsFileSystemHandle!().catch(() => null));
  return Promise.all(pending).then((handles) =>
    handles.every((handle) => Boolean(handle)) ? (handles as HandleLike[]) : undefined,
  );
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
