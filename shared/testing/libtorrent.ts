// Test helper: libtorrent 2.0 (Debian's python3-libtorrent) as the reference for BitTorrent v2 and hybrid torrents,
// driven through libtorrent-ref.py with the system Python (another python3 may come first on the PATH).
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'libtorrent-ref.py');

/** Why the libtorrent tests cannot run here, or undefined when they can. */
export const libtorrentMissing: string | undefined = (() => {
  const probe = spawnSync(PYTHON, ['-c', 'import libtorrent'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const reason = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`;
  return `${PYTHON} cannot import libtorrent (install Debian's python3-libtorrent): ${reason}`;
})();

export interface LtFile {
  /** As libtorrent names it: "name/folder/file" in a multi-file torrent, "file" in a single-file one. */
  path: string;
  size: number;
  offset: number;
  pad: boolean;
  /** The pieces root in hex, null for an empty file or a pad file (and in a v1 torrent). */
  root: string | null;
}

export interface LtTorrent {
  v1: string | null;
  v2: string | null;
  name: string;
  piece_length: number;
  num_pieces: number;
  files: LtFile[];
}

export interface LtCheck {
  progress_ppm: number;
  state: string;
  have: number;
  num_pieces: number;
}

function run<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`libtorrent-ref.py ${args[0]} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}

/** libtorrent makes a hybrid (or v2-only) .torrent of a file or folder at `out`, and describes it. */
export const ltCreate = (
  path: string,
  pieceLength: number,
  kind: 'hybrid' | 'v2',
  out: string,
  webSeed?: string,
): Promise<LtTorrent> =>
  run(['create', path, String(pieceLength), kind, out, ...(webSeed !== undefined ? [webSeed] : [])]);

/** libtorrent reads a .torrent. */
export const ltDescribe = (torrent: string): Promise<LtTorrent> => run(['describe', torrent]);

/** libtorrent downloads a .torrent into `savePath` from its web seeds (`url-list`) alone. */
export const ltWebSeed = (torrent: string, savePath: string): Promise<LtCheck> =>
  run(['webseed', torrent, savePath]);

/** libtorrent checks the files under `savePath` against a .torrent (v1 pieces and v2 trees). */
export const ltCheck = (torrent: string, savePath: string): Promise<LtCheck> =>
  run(['check', torrent, savePath]);
