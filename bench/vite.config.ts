// The app's Vite config plus the benchmark page (web/bench.html), built by bench/lib/app.ts into a folder of
// its own so that a benchmark run never touches web/dist.
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';
import base from '../vite.config';

const config = base as UserConfig;
/** For --profile runs (bench/lib/app.ts sets it): classic workers, because Chromium grants the JS Self-Profiling
 * API's document policy to a classic worker but not to a module worker. */
const classicWorkers = process.env.SWARMDROP_BENCH_CLASSIC_WORKERS === '1';

export default {
  ...config,
  ...(classicWorkers
    ? {
        worker: { ...config.worker, format: 'iife' as const },
        plugins: [
          ...(config.plugins ?? []),
          {
            name: 'classic-workers',
            // Vite keeps the source's `type: 'module'` (beside a worker's `name` too): start the iife-built
            // workers as classic ones.
            renderChunk: (code: string) =>
              code.replace(/(new Worker\([^;]*?\{[^}]*?type: )"module"/g, '$1"classic"'),
          },
        ],
      }
    : {}),
  build: {
    ...config.build,
    rollupOptions: {
      ...config.build?.rollupOptions,
      input: {
        main: fileURLToPath(new URL('../web/index.html', import.meta.url)),
        bench: fileURLToPath(new URL('../web/bench.html', import.meta.url)),
      },
    },
  },
} satisfies UserConfig;
