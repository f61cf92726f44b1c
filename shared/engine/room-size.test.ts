// The engine's rooms stay small enough to read: no module over 500 lines and no class over 30 methods (issue 22).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 500;
const MAX_METHODS = 30;
const dir = new URL('.', import.meta.url).pathname;
const modules = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
  (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.startsWith('testing'),
);

/** Methods, getters and setters of each class in `source` (a get/set pair counts once). */
export function methodCounts(source: string): Map<string, number> {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, true);
  const counts = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node)) {
      const names = new Set<string>();
      for (const member of node.members)
        if (ts.isMethodDeclaration(member) || ts.isGetAccessor(member) || ts.isSetAccessor(member))
          names.add(member.name.getText(file));
      counts.set(node.name?.text ?? '(anonymous)', names.size);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return counts;
}

describe('the engine rooms', () => {
  it('counts a class’s methods, accessors once per name', () => {
    const counts = methodCounts('class A { a() {} get b() { return 1 } set b(v) {} private c() {} x = 1 }');
    expect(counts.get('A')).toBe(3);
  });

  it.each(modules)('%s is at most 500 lines, with no class over 30 methods', (name) => {
    const source = readFileSync(join(dir, name), 'utf8');
    expect(source.split('\n').length - 1).toBeLessThanOrEqual(MAX_LINES);
    for (const [cls, count] of methodCounts(source))
      expect(count, `${name}: class ${cls}`).toBeLessThanOrEqual(MAX_METHODS);
  });
});
