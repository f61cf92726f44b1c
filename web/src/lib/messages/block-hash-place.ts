// Where v2 pieces' leaf hashes (the SHA-256 of each 16 KiB block) are computed: in a hash worker the page starts
// beside the engine worker (worker/hash/hash-link.ts), or, for a page at `?block-hashes=engine`, in the engine worker
// itself. The second is how the web-seed bench times both in one run (bench/browser/webseed-app.ts): on two cores the
// hash worker's copy of each piece and its third busy thread may cost more than the hashing it takes off the engine
// worker. The page reads it from the engine worker's name (engine-worker-name.ts).
import { BLOCK_HASHES_PARAM, workerOption } from './engine-worker-name';

/** The query value that keeps the leaf hashes in the engine worker. */
export const HASH_IN_ENGINE = 'engine';

/** Does a worker named `name` start a hash worker for the leaf hashes (the default)? */
export function hashWorkerWanted(name: string): boolean {
  return workerOption(name, BLOCK_HASHES_PARAM) !== HASH_IN_ENGINE;
}
