// The tracker's bundle as `npm run build:tracker` makes it, built from the sources under test into a temporary
// folder (never into the repository's own signal-tracker/dist). The folder links the repository's node_modules,
// so the packages the bundle leaves external resolve as they do from signal-tracker/dist.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));

export interface TrackerBundle {
  /** The bundle's entry: `node <main>` runs the tracker as `node signal-tracker` does. */
  main: string;
  remove(): void;
}

export function buildTrackerBundle(): TrackerBundle {
  const folder = mkdtempSync(join(tmpdir(), 'signal-tracker-bundle-'));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  try {
    symlinkSync(join(REPOSITORY, 'node_modules'), join(folder, 'node_modules'), 'dir');
    const main = join(folder, 'main.js');
    const built = spawnSync(process.execPath, ['scripts/build-tracker.mjs', main], {
      cwd: REPOSITORY,
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`the tracker's bundle did not build: ${built.stderr}`);
    return { main, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
