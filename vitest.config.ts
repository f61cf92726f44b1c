import { configDefaults, defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Unit and integration tests run in Node, in two projects; browser tests live in e2e/ (Playwright).
// - `unit`: everything in-process, at Vitest's default timeout (5 s). `npm run test:unit`.
// - `processes`: the tests that start processes (`*.process.test.ts`: Redis, the tracker, tsx, esbuild, ffmpeg,
//   Python's libtorrent), with the time a process needs to start. `npm run test:processes`.
// Component tests (web/src/components) render .svelte files in a DOM that each picks with a
// `// @vitest-environment happy-dom` comment; svelteTesting resolves Svelte's browser build for them.
const FOLDERS = ['shared', 'signal-tracker', 'web', 'lab', 'scripts', 'bench'];
const ALL_TESTS = FOLDERS.map((folder) => `${folder}/**/*.test.ts`);
const PROCESS_TESTS = FOLDERS.map((folder) => `${folder}/**/*.process.test.ts`);

export default defineConfig({
  plugins: [svelte({ configFile: false }), svelteTesting({ autoCleanup: false })],
  test: {
    environment: 'node',
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ALL_TESTS, exclude: [...configDefaults.exclude, ...PROCESS_TESTS] },
      },
      {
        extends: true,
        test: { name: 'processes', include: PROCESS_TESTS, testTimeout: 20_000 },
      },
    ],
  },
});
