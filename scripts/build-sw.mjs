// Bundles the service worker (web/src/sw/sw.ts and what it imports) into web/dist/sw.js: one classic script at the
// site's root, so its scope is the whole app and every browser can run it (module service workers are not
// everywhere yet). Runs after `vite build`, which empties web/dist. `node scripts/build-sw.mjs <file>` writes elsewhere
// (the benchmarks' build).
import { build } from 'esbuild';

await build({
  entryPoints: ['web/src/sw/sw.ts'],
  outfile: process.argv[2] ?? 'web/dist/sw.js',
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
