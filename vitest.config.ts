import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Unit and integration tests run in Node. Browser tests live in e2e/ (Playwright).
// Component tests (web/src/components) render .svelte files in a DOM that each picks with a
// `// @vitest-environment happy-dom` comment; svelteTesting resolves Svelte's browser build for them.
export default defineConfig({
  plugins: [svelte({ configFile: false }), svelteTesting({ autoCleanup: false })],
  test: {
    include: [
      'shared/**/*.test.ts',
      'signal-tracker/**/*.test.ts',
      'web/**/*.test.ts',
      'lab/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
  },
});
