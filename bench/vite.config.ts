// The app's Vite config plus the benchmark page (web/bench.html), built by bench/lib/app.ts into a folder of
// its own so that a benchmark run never touches web/dist.
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';
import base from '../vite.config';

const config = base as UserConfig;

export default {
  ...config,
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
