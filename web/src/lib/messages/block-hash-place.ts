// Where v2 pieces' leaf hashes (the SHA-256 of each 16 KiB block) are computed: in a hash worker the page starts
// beside the engine worker (worker/hash/hash-link.ts), or, for a page at `?block-hashes=engine`, in the engine worker
// itself. The second is how the web-seed bench times both in one run (bench/browser/webseed-app.ts): on two cores the
// hash worker's copy of each piece and its third busy thread may cost more than the hashing it takes off the engine
// worker. Only the page reads it: an engine worker that is never linked to a hash worker hashes on its own thread.

/** The page's query parameter that places the leaf hashes. */
export const BLOCK_HASHES_PARAM = 'block-hashes';
/** The query value that keeps the leaf hashes in the engine worker. */
export const HASH_IN_ENGINE = 'engine';

/** Does a page at `search` (its address's query) start a hash worker for the leaf hashes (the default)? */
export function hashWorkerWanted(search: string): boolean {
  return new URLSearchParams(search).get(BLOCK_HASHES_PARAM) !== HASH_IN_ENGINE;
}
