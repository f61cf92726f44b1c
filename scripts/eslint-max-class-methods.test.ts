// The class-size rule in the repo's ESLint config: it counts a class's methods (a get/set pair once, not the
// constructor nor fields), refuses more than the limit in the engine's product code, and leaves tests and other code
// alone.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

async function classErrors(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'swarmdrop/max-class-methods').map((m) => m.message);
}

/** A class with `count` methods named m0, m1, …, plus a constructor, a field and a get/set pair named `v`. */
function classWith(count: number): string {
  const methods = Array.from({ length: count }, (_, i) => `  m${i}(): number { return ${i}; }`).join('\n');
  return `export class Room {\n  x = 1;\n  constructor() {}\n  get v(): number { return 1; }\n  set v(_: number) {}\n${methods}\n}\n`;
}

/** The limit the repo's config sets for the engine's code. */
async function configuredMax(): Promise<number> {
  const config = await new ESLint({ cwd: root }).calculateConfigForFile(join(root, 'shared/engine/probe.ts'));
  return config.rules['swarmdrop/max-class-methods'][1].max;
}

describe('swarmdrop/max-class-methods', async () => {
  const max = await configuredMax();

  it('lets a class of the limit through, a get/set pair counted once and the constructor not at all', async () => {
    expect(await classErrors(classWith(max - 1), 'shared/engine/probe.ts')).toEqual([]);
  });

  it('refuses one method more in the engine', async () => {
    expect(await classErrors(classWith(max), 'shared/engine/peer/probe.ts')).toEqual([
      `Class 'Room' has ${max + 1} methods. Maximum allowed is ${max}.`,
    ]);
  });

  it('leaves the engine’s tests and testing helpers, and code outside the engine, alone', async () => {
    expect(await classErrors(classWith(max), 'shared/engine/probe.test.ts')).toEqual([]);
    expect(await classErrors(classWith(max), 'shared/engine/testing/probe.ts')).toEqual([]);
    expect(await classErrors(classWith(max), 'web/src/probe.ts')).toEqual([]);
  });
});
