// Bundles the service worker (web/src/sw/sw.ts and what it imports) into web/dist/sw.js: one classic script at the
// site's root, so its scope is the whole app and every browser can run it (module service workers are not
// everywhere yet). Runs after `vite build`, which empties web/dist. `node scripts/build-sw.mjs <file>` writes elsewhere
// (the benchmarks' build).
//
// The app shell it precaches (web/src/sw/shell.ts) is the build beside it: every file of the output folder but the
// source maps and the service worker itself, listed here and written into the bundle with a version made from their
// contents, so a new build is a new service worker that caches the new shell and drops the old.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const outfile = process.argv[2] ?? 'web/dist/sw.js';
const root = dirname(outfile);

/** The files under `folder`, as URL paths from the site's root. */
function shellFiles(folder) {
  if (!existsSync(folder)) return [];
  const found = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...shellFiles(path));
    else if (!name.endsWith('.map') && path !== join(root, 'sw.js')) found.push(path);
  }
  return found;
}

const files = shellFiles(root).sort();
const version = createHash('sha256');
for (const path of files) version.update(path).update(readFileSync(path));
const urls = files.map((path) => `/${relative(root, path).split(sep).join('/')}`);

await build({
  entryPoints: ['web/src/sw/sw.ts'],
  outfile,
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
  define: {
    SHELL_FILES: JSON.stringify(urls),
    SHELL_VERSION: JSON.stringify(version.digest('hex').slice(0, 16)),
  },
});
