import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { maxClassMethods } from './scripts/eslint-max-class-methods.js';
import { partWriters } from './scripts/eslint-part-writers.js';

const swarmdrop = { rules: { 'max-class-methods': maxClassMethods, 'part-writers': partWriters } };

// shared/ is the protocol core: the language alone, no browser and no Node (see shared/tsconfig.json). Every global
// that a browser, a worker or Node adds to ES2022 is forbidden there, except the UTF-8 text codecs.
const languageGlobals = new Set([...Object.keys(globals.es2022), 'TextEncoder', 'TextDecoder']);
const hostGlobals = [
  ...new Set([...Object.keys(globals.browser), ...Object.keys(globals.worker), ...Object.keys(globals.node)]),
].filter((name) => !languageGlobals.has(name));
export const SHARED_CORE_FILES = ['shared/**/*.ts'];
export const SHARED_CORE_IGNORES = ['shared/**/*.test.ts', 'shared/testing/**'];

// Size rules for the product code: a file is a room with one responsibility, a function does one thing. Blank lines
// and comments are not counted, so a file is never brought under a limit by deleting its explanations; it is split.
const PRODUCT_FILES = [
  'shared/**/*.ts',
  'signal-tracker/src/**/*.ts',
  'web/src/**/*.ts',
  'web/src/**/*.svelte',
  'lab/**/*.ts',
  'netem/**/*.ts',
  'node-host/**/*.ts',
];
const TEST_FILES = ['**/*.test.ts', '**/testing/**'];
export const SIZE_LIMITS = { fileLines: 400, functionLines: 80, complexity: 15, engineClassMethods: 30 };

// State with one writer: each writing method of a peer's parts (shared/engine/peer/peer.ts) is called from its own
// room only, and the verified pieces are recorded only by the step that records a stored piece (the downloader, or the
// torrent host for a piece stored after its session stopped). The storage rooms set bits of the bitfields they build
// for a restore, which the owner of the verified pieces copies. Keys are `part.method` calls, or `part.field =`.
const PEER = 'shared/engine/peer';
const DOWNLOADER = 'shared/engine/download/downloader.ts';
const REQUEST_UPKEEP = 'shared/engine/download/request-upkeep.ts';
const UPLOADER = 'shared/engine/upload/uploader.ts';
const CHOKE_ROUNDS = 'shared/engine/upload/choke-rounds.ts';
const PEER_MESSAGES = 'shared/engine/session/peer-messages.ts';
const RESTORES = [
  'shared/host/piece-storage.ts',
  'web/src/worker/storage/piece-file.ts',
  'web/src/worker/storage/key-value-storage.ts',
];
const PART_WRITERS = {
  'wire.accept': [`${PEER}/peer-wire.ts`],
  'wire.acceptExtended': [`${PEER}/peer-wire.ts`],
  'wire.received': [`${PEER}/connections.ts`],
  'wire.sent': [`${PEER}/connections.ts`],
  'choke.setChoking': [CHOKE_ROUNDS],
  'choke.setSpread': [CHOKE_ROUNDS],
  'choke.setPeerInterested': [CHOKE_ROUNDS],
  'choke.setPeerChoking': [PEER_MESSAGES],
  'download.setInterested': [DOWNLOADER],
  'download.requested': [DOWNLOADER],
  'download.choked': [DOWNLOADER],
  'download.blockArrived': [DOWNLOADER],
  'download.snub': [REQUEST_UPKEEP],
  'download.pieceVerified': [DOWNLOADER],
  'pending.have': [PEER_MESSAGES],
  'pending.bitfield': [PEER_MESSAGES],
  'pending.haveAll': [PEER_MESSAGES],
  'pending.take': [DOWNLOADER],
  'upload.setBacklogged': [UPLOADER],
  'upload.sent': [UPLOADER],
  'upload.takeSent': [UPLOADER],
  'upload.unsent': [UPLOADER],
  'upload.enqueue': [UPLOADER],
  'upload.take': [UPLOADER],
  'upload.takeWaiting': [UPLOADER],
  'upload.cancel': [UPLOADER],
  'upload.finishRead': [UPLOADER],
  'upload.drop': [UPLOADER],
  'upload.retune': [UPLOADER],
  'upload.setCap': [CHOKE_ROUNDS],
  'upload.share =': [CHOKE_ROUNDS],
  'verified.add': [DOWNLOADER, 'web/src/worker/torrent/session-actions.ts'],
  'bitfield.set': [],
  'have.set': RESTORES,
  'stored.set': [],
};

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'web/dist/',
      'signal-tracker/dist/',
      'bench/results/',
      'lab/out/',
      'test-results/',
      'test-durations/',
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
    files: PRODUCT_FILES,
    ignores: TEST_FILES,
    rules: {
      'max-lines': ['error', { max: SIZE_LIMITS.fileLines, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': [
        'error',
        { max: SIZE_LIMITS.functionLines, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
      complexity: ['error', SIZE_LIMITS.complexity],
    },
  },
  {
    files: PRODUCT_FILES,
    ignores: TEST_FILES,
    plugins: { swarmdrop },
    rules: { 'swarmdrop/part-writers': ['error', { writers: PART_WRITERS }] },
  },
  {
    // The engine's rooms: a class that gathers more methods than this has more than one job.
    files: ['shared/engine/**/*.ts'],
    ignores: TEST_FILES,
    plugins: { swarmdrop },
    rules: { 'swarmdrop/max-class-methods': ['error', { max: SIZE_LIMITS.engineClassMethods }] },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
);
