// Hash functions the simulator can inject into the engine. The CLI uses real SHA-1 (node:crypto); the Lab page in a
// browser worker has only the asynchronous SubtleCrypto, so it uses `fastHash`: a cheap, non-cryptographic 20-byte
// digest. Experiments that do not test verification (all of the lab's) are unaffected by the choice: the engine only
// compares digests with the ones in the info dictionary, which are made with the same function.

import type { SyncSha1 } from '../../shared/engine/testing/swarm';

export type SyncHash = SyncSha1;

/** Five FNV-1a lanes over every byte, each seeded differently: 20 bytes, deterministic, not cryptographic. */
export function fastHash(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const lanes = new Uint32Array([0x811c9dc5, 0x01000193, 0xdeadbeef, 0x9e3779b9, 0x85ebca6b]);
  let h0 = lanes[0];
  let h1 = lanes[1];
  let h2 = lanes[2];
  let h3 = lanes[3];
  let h4 = lanes[4];
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    h0 = Math.imul(h0 ^ b, 0x01000193);
    h1 = Math.imul(h1 ^ b, 0x01000193) ^ (i & 0xff);
    h2 = Math.imul(h2 ^ b, 0x85ebca6b);
    h3 = Math.imul(h3 ^ b, 0xc2b2ae35);
    h4 = Math.imul(h4 ^ b, 0x27d4eb2f);
  }
  lanes[0] = h0 ^ data.length;
  lanes[1] = h1;
  lanes[2] = h2;
  lanes[3] = h3;
  lanes[4] = h4;
  return new Uint8Array(lanes.buffer.slice(0));
}
