// `node signal-tracker` entry point: runs the bundle that `npm install` builds (scripts/build-tracker.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('./dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  console.error('signal-tracker is not built yet: run `npm install` (or `npm run build:tracker`) first.');
  process.exit(1);
}
await import(bundle.href);
