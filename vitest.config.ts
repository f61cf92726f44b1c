import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Unit and integration tests run in Node, in three projects; browser tests live in e2e/ (Playwright).
// - `unit`: everything in-process. `npm run test:unit` runs it with `components`. A test's timeout only catches a hang:
//   the swarm simulations are CPU-bound (1 to 2 s alone), and on two cores shared by Vitest's forks and anything else
//   running they take several times that, so the timeout is 30 s rather than Vitest's 5 s.
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
    // Vitest's default leaves a core to its main thread, which is one fork on a two-core machine; most of the time
    // of the process tests is waiting for the processes they start, so two forks there finish in little more than
    // half the time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    // Per-test durations for scripts/test-durations.ts, which CI prints after the tests.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-durations/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Each fork runs its files one after another in one module graph, not a fresh process and graph per file:
          // on two cores, importing the graph again for every file cost more than most files' tests. The tests
          // restore what they stub (timers, globals) themselves.
          isolate: false,
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
        test: { name: 'processes', include: PROCESS_TESTS, testTimeout: 60_000 },
      },
    ],
  },
});
