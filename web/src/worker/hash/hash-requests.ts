// The messages between the engine worker and its hash worker (hash.worker.ts), and the hash worker's answer to one:
// the SHA-256 of each 16 KiB block of a piece (its v2 leaf hashes), concatenated.
import type { Sha256 } from '../../../../shared/hash/merkle';
import { blockHashes } from '../v2/v2-session';

/** A piece to hash: a copy the hash worker owns (transferred to it). */
export interface HashRequest {
  id: number;
  data: ArrayBuffer;
}

/** The leaf hashes of request `id`, or why they could not be made; `data`: the request's buffer, given back so the
 * next copy is made into memory already in use rather than a fresh allocation. */
export type HashAnswer = { id: number; data: ArrayBuffer } & ({ hashes: ArrayBuffer } | { error: string });

/** The hash worker's answer to one request, with the buffers it may transfer back. */
export async function answerHashRequest(
  request: HashRequest,
  sha256: Sha256,
): Promise<{ answer: HashAnswer; transfer: ArrayBuffer[] }> {
  try {
    const hashes = await blockHashes(new Uint8Array(request.data), sha256);
    const buffer = hashes.buffer as ArrayBuffer;
    return {
      answer: { id: request.id, data: request.data, hashes: buffer },
      transfer: [buffer, request.data],
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { answer: { id: request.id, data: request.data, error: reason }, transfer: [request.data] };
  }
}
