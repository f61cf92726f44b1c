import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';

// shared/ is the protocol core: the language alone, no browser and no Node (see shared/tsconfig.json). Every global
// that a browser, a worker or Node adds to ES2022 is forbidden there, except the UTF-8 text codecs.
const languageGlobals = new Set([...Object.keys(globals.es2022), 'TextEncoder', 'TextDecoder']);
const hostGlobals = [
  ...new Set([...Object.keys(globals.browser), ...Object.keys(globals.worker), ...Object.keys(globals.node)]),
].filter((name) => !languageGlobals.has(name));
export const SHARED_CORE_FILES = ['shared/**/*.ts'];
export const SHARED_CORE_IGNORES = ['shared/**/*.test.ts', 'shared/testing/**'];

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'web/dist/',
      'signal-tracker/dist/',
      'bench/results/',
      'lab/out/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: SHARED_CORE_FILES,
    ignores: SHARED_CORE_IGNORES,
    rules: {
      'no-restricted-globals': [
        'error',
        ...hostGlobals.map((name) => ({
          name,
          message: 'shared/ is host-free: pass it in from the adapter.',
        })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'shared/ is host-free: no Node modules.' },
            { group: ['*/web/*', '*/signal-tracker/*', '*/lab/*'], message: 'shared/ imports only shared/.' },
          ],
          paths: builtinModules.map((name) => ({ name, message: 'shared/ is host-free: no Node modules.' })),
        },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
);
