import { configDefaults, defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Unit and integration tests run in Node, in three projects; browser tests live in e2e/ (Playwright).
// - `unit`: everything in-process, at Vitest's default timeout (5 s). `npm run test:unit` runs it with `components`.
// - `components`: the Svelte components (web/src/components), each rendered in a DOM it picks with a
//   `// @vitest-environment happy-dom` comment. Only this project resolves packages for the browser (svelteTesting):
//   the Node tests need the Node builds of `ws` and simple-peer.
// - `processes`: the tests that start processes (`*.process.test.ts`: Redis, the tracker, tsx, esbuild, ffmpeg,
//   Python's libtorrent), with the time a process needs to start. `npm run test:processes`.
const FOLDERS = ['shared', 'signal-tracker', 'web', 'lab', 'scripts', 'bench', 'netem', 'node-host'];
const ALL_TESTS = FOLDERS.map((folder) => `${folder}/**/*.test.ts`);
const PROCESS_TESTS = FOLDERS.map((folder) => `${folder}/**/*.process.test.ts`);
const COMPONENT_TESTS = ['web/src/components/**/*.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL_TESTS,
          exclude: [...configDefaults.exclude, ...PROCESS_TESTS, ...COMPONENT_TESTS],
        },
      },
      {
        extends: true,
        plugins: [svelte({ configFile: false }), svelteTesting({ autoCleanup: false })],
        test: { name: 'components', include: COMPONENT_TESTS },
      },
      {
        extends: true,
        test: { name: 'processes', include: PROCESS_TESTS, testTimeout: 20_000 },
      },
    ],
  },
});
