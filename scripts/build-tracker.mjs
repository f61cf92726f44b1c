// Bundles signal-tracker (and the shared/ code it imports) into one ES module that `node signal-tracker` runs.
// An optional argument names another output file (the tests build into a temporary folder).
import { build } from 'esbuild';

await build({
  entryPoints: ['signal-tracker/src/main.ts'],
  outfile: process.argv[2] ?? 'signal-tracker/dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
