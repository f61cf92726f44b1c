// The import-cycle check that `npm run lint` runs over shared/, signal-tracker/ and web/:
// `tsx scripts/import-cycles.ts [--files-only] <folder>...` prints every cycle of relative imports and exits 1 if
// there is one (`--files-only`: cycles between files only, not between folders). It also prints every import against
// the direction between layers (scripts/import-layers.ts) and exits 1 on one.
// Two kinds are refused: files that import each other (directly or around a loop), and folders that do (lib/ imports
// net/ and net/ imports lib/, through different files), since a folder is a room a reader enters by its name.
//
// Every import counts, type-only ones included (`import type`, `export type ... from`, `import('./x').T`): they are
// erased from the bundle, but a reader still has to hold both files in mind to understand either, which is what the
// rule is for. Svelte components are read through their <script> blocks. Bare specifiers (packages) are ignored.
//
// A short script rather than madge or dpdm: those do not read .svelte components, and eslint's import-x `no-cycle`
// needs a resolver plugin and the Svelte parser wired into it. The lexer of the TypeScript compiler already installed
// (`preProcessFile`) lists each file's imports without type-checking, so the whole check takes well under a second.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { findLayerViolations, type LayerViolation } from './import-layers';

const SOURCE = /\.(ts|svelte)$/;
const TEST = /\.test\.ts$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist']);

/** The .ts and .svelte files under `folder` (declaration files and build output left out). */
export function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) files.push(...sourceFiles(path));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      files.push(path);
    }
  }
  return files;
}

/** The script a file's imports are read from: the file itself, or a component's <script> blocks. */
function scriptOf(path: string): string {
  const text = readFileSync(path, 'utf8');
  if (!path.endsWith('.svelte')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Resolves a relative specifier the way the bundler does (extensionless, `.js` for `.ts`, folder index), or null. */
function resolveImport(from: string, specifier: string): string | null {
  const bare = specifier.replace(/[?#].*$/, '');
  const base = resolve(dirname(from), bare);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.svelte`,
    base.replace(/\.js$/, '.ts'),
    join(base, 'index.ts'),
    join(base, 'index.svelte'),
  ];
  return candidates.find(isFile) ?? null;
}

/** Each file's relative imports that resolve to a file. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const imports = ts
      .preProcessFile(scriptOf(file), true, true)
      .importedFiles.map((ref) => ref.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveImport(file, specifier))
      .filter((target): target is string => target !== null);
    graph.set(file, [...new Set(imports)]);
  }
  return graph;
}

/** The strongly connected groups of more than one file, or of one file importing itself (Tarjan's algorithm). */
function tangledGroups(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/** One shortest cycle through `start` inside its group, as a list of files that ends where it starts. */
function cycleThrough(start: string, group: readonly string[], graph: Map<string, string[]>): string[] {
  const members = new Set(group);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const between: string[] = [];
        for (let at = node; at !== start; at = cameFrom.get(at)!) between.unshift(at);
        return [start, ...between, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/**
 * The graph of folders: folder A imports folder B when a file directly in A imports a file directly in B. Tests are
 * left out here (a test reaching a `testing/` helper that imports the code under test is how helpers work), but their
 * files still count in the graph of files.
 */
export function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const folders = new Map<string, Set<string>>();
  for (const [file, imports] of graph) {
    if (TEST.test(file)) continue;
    const from = dirname(file);
    const targets = folders.get(from) ?? new Set<string>();
    for (const target of imports) if (dirname(target) !== from) targets.add(dirname(target));
    folders.set(from, targets);
  }
  return new Map([...folders].map(([folder, targets]) => [folder, [...targets]]));
}

export interface ImportCycle {
  /** `file` when files import each other, `folder` when folders do (through different files). */
  kind: 'file' | 'folder';
  /** Every file or folder of the tangled group. */
  members: string[];
  /** One cycle through the group's first member, for the reader: ends where it starts. */
  example: string[];
}

/** The import cycles among the files under `folders`, between files and between folders; paths relative to `root`. */
export function findImportCycles(
  folders: readonly string[],
  root = process.cwd(),
  kinds: readonly ImportCycle['kind'][] = ['file', 'folder'],
): ImportCycle[] {
  const files = importGraph(folders.flatMap((folder) => sourceFiles(resolve(root, folder))));
  const shown = (path: string) => relative(root, path) || '.';
  const cycles: ImportCycle[] = [];
  for (const [kind, graph] of [
    ['file', files],
    ['folder', folderGraph(files)],
  ] as const) {
    if (!kinds.includes(kind)) continue;
    for (const group of tangledGroups(graph)) {
      cycles.push({
        kind,
        members: group.map(shown),
        example: cycleThrough(group[0], group, graph).map(shown),
      });
    }
  }
  return cycles;
}

/** The imports among the files under `folders` that the layer table refuses; paths relative to `root`. */
export function findLayerViolationsIn(folders: readonly string[], root = process.cwd()): LayerViolation[] {
  const files = importGraph(folders.flatMap((folder) => sourceFiles(resolve(root, folder))));
  const shown = (path: string) => relative(root, path).split(sep).join('/');
  return findLayerViolations(new Map([...files].map(([file, imports]) => [shown(file), imports.map(shown)])));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const filesOnly = args.includes('--files-only');
  const folders = args.filter((arg) => arg !== '--files-only');
  if (folders.length === 0) {
    console.error('usage: tsx scripts/import-cycles.ts [--files-only] <folder>...');
    process.exit(2);
  }
  const cycles = findImportCycles(folders, process.cwd(), filesOnly ? ['file'] : ['file', 'folder']);
  for (const cycle of cycles) {
    console.error(`import cycle between ${cycle.kind}s: ${cycle.example.join(' -> ')}`);
    if (cycle.members.length > cycle.example.length - 1)
      console.error(`  all ${cycle.kind}s in it: ${cycle.members.join(', ')}`);
  }
  const violations = findLayerViolationsIn(folders);
  for (const violation of violations)
    console.error(
      `import against the layers: ${violation.file} -> ${violation.imports ?? '?'}: ${violation.reason}`,
    );
  if (cycles.length > 0)
    console.error(`${cycles.length} import cycle(s) in ${folders.join(', ')}: see scripts/import-cycles.ts`);
  if (violations.length > 0)
    console.error(
      `${violations.length} import(s) against the layers in ${folders.join(', ')}: see scripts/import-layers.ts`,
    );
  if (cycles.length > 0 || violations.length > 0) process.exit(1);
  console.log(`no import cycles, and every import in its direction, in ${folders.join(', ')}`);
}
