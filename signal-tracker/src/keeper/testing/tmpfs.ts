// A small tmpfs for a test that needs a filesystem that fills (root only): mounted on a fresh temporary folder,
// unmounted and removed after. The real disk is never filled.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { removeFolder, tempFolder } from '../../../../node-host/testing/fixtures';

const run = promisify(execFile);

/** Whether this process may mount a tmpfs (it runs as root). */
export const canMount = process.getuid?.() === 0;

export interface Tmpfs {
  path: string;
  unmount(): Promise<void>;
}

/** A tmpfs of `bytes` (rounded up to pages by the kernel). */
export async function mountTmpfs(bytes: number): Promise<Tmpfs> {
  const path = await tempFolder('keeper-tmpfs');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path]);
  } catch (error) {
    await removeFolder(path);
    throw error;
  }
  return {
    path,
    unmount: async () => {
      await run('umount', [path]);
      await removeFolder(path);
    },
  };
}
