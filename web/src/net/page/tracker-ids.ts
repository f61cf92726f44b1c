// The ids a tracker client sends: our peer id and each offer's id, from the platform's cryptographic generator.
import { PEER_ID_PREFIX } from '../../../../shared/host/identities';

/** `n` bytes from the platform's cryptographic generator: peer ids and offer ids must not be guessable. */
export function secureRandomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** A new peer id: our client prefix and 12 random bytes, as a binary string. */
export function makePeerId(
  randomBytes: (n: number) => Uint8Array = secureRandomBytes,
  prefix = PEER_ID_PREFIX,
): string {
  return prefix + binaryOf(randomBytes(20 - prefix.length));
}

/** An offer id: 20 random bytes, as a binary string (a guessed id would let a stranger answer in our name). */
export function randomId(randomBytes: (n: number) => Uint8Array): string {
  return binaryOf(randomBytes(20));
}

function binaryOf(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}
