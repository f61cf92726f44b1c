// Bundles signal-tracker (and the shared/ code it imports) into one ES module that `node signal-tracker` runs.
import { build } from 'esbuild';

await build({
  entryPoints: ['signal-tracker/src/main.ts'],
  outfile: 'signal-tracker/dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
