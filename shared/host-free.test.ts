// shared/ is the protocol core: it must compile and lint with the language alone. These tests check that the guards
// really catch a browser or Node API in shared/ (and let the language and the text codecs through), so a violation
// fails `npm run typecheck` and `npm run lint`, and hence CI.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

async function lint(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

function typeErrors(code: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, 'shared/tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const probe = join(root, 'shared/engine/__probe__.ts');
  const host = ts.createCompilerHost(parsed.options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (name) => (name === probe ? code : read(name));
  host.fileExists = (name) => name === probe || exists(name);
  const declarations = parsed.fileNames.filter((name) => name.endsWith('.d.ts'));
  const program = ts.createProgram([probe, ...declarations], parsed.options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(probe))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('shared/ stays free of the DOM and Node', () => {
  it('its tsconfig has no DOM or Node types, and finds every source file', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      join(root, 'shared/tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    )!;
    expect(parsed.options.lib).toEqual(['lib.es2022.d.ts']);
    expect(parsed.options.types).toEqual([]);
    const files = parsed.fileNames.map((f) => f.slice(root.length + 1));
    expect(files).toContain('shared/engine/session/session.ts');
    expect(files).toContain('shared/codec/wire.ts');
    expect(files.some((f) => f.endsWith('.test.ts') || f.startsWith('shared/testing/'))).toBe(false);
  });

  it('does not compile a browser or Node global', () => {
    expect(typeErrors('export const t = document.title;').join()).toMatch(/document/);
    expect(typeErrors('export const t = setTimeout;').join()).toMatch(/setTimeout/);
    expect(typeErrors('export const t = process.env;').join()).toMatch(/process/);
    expect(typeErrors('export const t = Buffer.from([1]);').join()).toMatch(/Buffer/);
    expect(typeErrors('export const t = console;').join()).toMatch(/console/);
  });

  it('compiles the language and the text codecs', () => {
    const ok =
      'export const t = [new TextEncoder().encode("a"), new TextDecoder().decode(new Uint8Array(1)), new Map(), Math.max(1, 2)];';
    expect(typeErrors(ok)).toEqual([]);
  });

  it('lints a browser or Node global or a Node import as an error in shared/, not in its tests or elsewhere', async () => {
    const bad =
      'import { readFileSync } from "node:fs";\nexport const t = [window, process, setTimeout, readFileSync];\n';
    const errors = await lint(bad, 'shared/engine/probe.ts');
    expect(errors.filter((e) => e.startsWith('no-restricted-globals'))).toHaveLength(3);
    expect(errors.filter((e) => e.startsWith('no-restricted-imports'))).toHaveLength(1);
    expect(await lint('import fs from "fs";\nexport const t = fs;\n', 'shared/probe.ts')).toHaveLength(1);
    expect(await lint(bad, 'shared/engine/probe.test.ts')).toEqual([]);
    expect(await lint(bad, 'web/src/probe.ts')).toEqual([]);
    expect(
      await lint('export const t = [new TextEncoder(), Math.PI, Symbol.iterator];\n', 'shared/probe.ts'),
    ).toEqual([]);
  });
});
