// The cycle check must fail on a planted cycle (between files, through a type-only import, through a component, and
// between folders) and pass on a clean tree, both as a function and as the command `npm run lint` runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findImportCycles } from './import-cycles';

const script = join(import.meta.dirname, 'import-cycles.ts');
const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
let root = '';

function plant(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function runCheck(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(tsx, [script, ...args], { cwd: root, encoding: 'utf8', timeout: 15_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

afterEach(() => rmSync(root, { recursive: true, force: true }));

const clean = {
  'src/a.ts': "import { b } from './b';\nimport type { C } from './c';\nexport const a: C = b;\n",
  'src/b.ts': "import { c } from './c.js';\nexport const b = c;\n",
  'src/c.ts': 'export type C = number;\nexport const c = 1;\n',
  'src/lib/d.ts':
    "import { a } from '../a';\nimport { EventEmitter } from 'node:events';\nexport const d = [a, EventEmitter];\n",
  'src/lib/d.test.ts':
    "import { d } from './d';\nimport { helper } from '../testing/helper';\nexport const t = [d, helper];\n",
  'src/testing/helper.ts': "import { d } from '../lib/d';\nexport const helper = d;\n",
  'src/View.svelte': '<script lang="ts">\n  import { a } from \'./a\';\n</script>\n<p>{a}</p>\n',
};

describe('import cycles', () => {
  it('passes a tree without cycles (packages, .js specifiers, tests reaching testing/ helpers)', () => {
    plant(clean);
    expect(findImportCycles(['src'], root)).toEqual([]);
    const run = runCheck('src');
    expect(run.status).toBe(0);
    expect(run.output).toContain('no import cycles');
  });

  it('fails on files importing each other, and names the shortest loop and every file of the tangle', () => {
    plant({
      ...clean,
      'src/c.ts': "import { a } from './a';\nexport type C = number;\nexport const c = a;\n",
    });
    const cycles = findImportCycles(['src'], root);
    expect(cycles).toEqual([
      {
        kind: 'file',
        members: ['src/a.ts', 'src/b.ts', 'src/c.ts'],
        example: ['src/a.ts', 'src/c.ts', 'src/a.ts'],
      },
    ]);
    const run = runCheck('src');
    expect(run.status).toBe(1);
    expect(run.output).toContain('import cycle between files: src/a.ts -> src/c.ts -> src/a.ts');
  });

  it('counts a type-only import as an edge of a cycle', () => {
    plant({
      ...clean,
      'src/c.ts': "import type { a } from './a';\nexport type C = typeof a;\nexport const c = 1;\n",
    });
    expect(findImportCycles(['src'], root).map((cycle) => cycle.kind)).toEqual(['file']);
  });

  it('reads imports in a Svelte component', () => {
    plant({
      ...clean,
      'src/c.ts': "import View from './View.svelte';\nexport type C = number;\nexport const c = View;\n",
    });
    expect(findImportCycles(['src'], root)[0].members).toContain('src/View.svelte');
  });

  it('fails on folders importing each other through different files', () => {
    plant({
      ...clean,
      'src/lib/e.ts': 'export const e = 2;\n',
      'src/c.ts': "import { e } from './lib/e';\nexport type C = number;\nexport const c = e;\n",
    });
    const cycles = findImportCycles(['src'], root);
    expect(cycles).toEqual([
      { kind: 'folder', members: ['src', 'src/lib'], example: ['src', 'src/lib', 'src'] },
    ]);
    expect(runCheck('src').status).toBe(1);
    expect(runCheck('--files-only', 'src').status).toBe(0);
  });
});
