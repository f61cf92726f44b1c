import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node. Browser tests live in e2e/ (Playwright).
export default defineConfig({
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
