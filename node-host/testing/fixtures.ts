// Folders of files for the host's tests and the conformance tests: seeded random bytes, the shapes BEP 52 and
// libtorrent care about (a file of exactly one piece, of one block, just over a piece, empty files, a last file
// whose piece a hybrid pads).
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { mulberry32, randomBytes } from '../../shared/engine/testing/random';

/** A file of a fixture: its path under the fixture's folder and its length. */
export interface FixtureFile {
  path: string;
  length: number;
}

const KiB = 1024;

/** The corner cases of a multi-file torrent with pieces of `pieceLength`. */
export function cornerCaseFiles(pieceLength: number): FixtureFile[] {
  return [
    { path: 'a/exactly-one-piece.bin', length: pieceLength },
    { path: 'a/empty.txt', length: 0 },
    { path: 'b/one-block.bin', length: 16 * KiB },
    { path: 'b/just-over-a-piece.bin', length: pieceLength + 1 },
    { path: 'c/empty-too', length: 0 },
    // Three pieces and a bit: its piece layer is padded to a power of two (4), and a hybrid pads after it.
    { path: 'd/last.bin', length: 3 * pieceLength + 5 * KiB + 7 },
  ];
}

export async function tempFolder(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

/** Writes `files` under `folder/name` with bytes from `seed`; returns that path. */
export async function writeFixture(
  folder: string,
  name: string,
  files: FixtureFile[],
  seed = 1,
): Promise<string> {
  const random = mulberry32(seed);
  const root = join(folder, name);
  for (const file of files) {
    const path = join(root, file.path);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, randomBytes(random, file.length));
  }
  return root;
}

/** Every file under `root` (relative path to bytes; a file alone: '' to its bytes), for comparing two copies byte for
 * byte. */
export async function readTree(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if ((await stat(root)).isFile()) return out.set('', await readFile(root));
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(relative(root, path), await readFile(path));
    }
  };
  await walk(root);
  return out;
}

/** How the tree at `copy` differs from the one at `original`: each path missing, extra or with other bytes (compared
 * byte for byte with `Buffer.equals`; a deep equality of the trees walks large files byte by byte through iterators,
 * minutes and gigabytes of memory for a few MiB). Empty when the copy is identical. */
export async function treeDifferences(original: string, copy: string): Promise<string[]> {
  const [want, got] = await Promise.all([readTree(original), readTree(copy)]);
  const differences: string[] = [];
  for (const [path, bytes] of want) {
    const copied = got.get(path);
    if (!copied) differences.push(`${path}: missing`);
    else if (!copied.equals(bytes)) differences.push(`${path}: other bytes`);
  }
  for (const path of got.keys()) if (!want.has(path)) differences.push(`${path}: extra`);
  return differences;
}

export const removeFolder = (folder: string): Promise<void> => rm(folder, { recursive: true, force: true });

/** What a test set up (temp folders, hosts, processes), undone after it in reverse order. */
export class Scratch {
  private readonly undo: Array<() => Promise<void>> = [];

  constructor(private readonly prefix: string) {}

  /** Runs `cleanup` when the test ends; returns `value`. */
  keep<T>(value: T, cleanup: (value: T) => Promise<void>): T {
    this.undo.push(() => cleanup(value));
    return value;
  }

  async folder(): Promise<string> {
    return this.keep(await tempFolder(this.prefix), removeFolder);
  }

  async cleanup(): Promise<void> {
    for (const step of this.undo.splice(0).reverse()) await step();
  }
}
