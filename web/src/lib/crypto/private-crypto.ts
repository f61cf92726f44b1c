// AES-256-GCM through WebCrypto for private shares (shared/private-share/private-share.ts holds the construction):
// the worker seals and opens records, the service worker opens them for Save and Play. Runs in Node too
// (globalThis.crypto).
import { TAG_BYTES, type Aead } from '../../../../shared/private-share/private-share';

/** The cipher under `key` (32 bytes), imported once as a non-extractable key. */
export async function webAead(key: Uint8Array): Promise<Aead> {
  const cryptoKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  const params = (nonce: Uint8Array, aad: Uint8Array): AesGcmParams => ({
    name: 'AES-GCM',
    iv: nonce as Uint8Array<ArrayBuffer>,
    additionalData: aad as Uint8Array<ArrayBuffer>,
    tagLength: TAG_BYTES * 8,
  });
  return {
    encrypt: async (nonce, plaintext, aad) =>
      new Uint8Array(
        await crypto.subtle.encrypt(params(nonce, aad), cryptoKey, plaintext as Uint8Array<ArrayBuffer>),
      ),
    decrypt: async (nonce, ciphertext, aad) =>
      new Uint8Array(
        await crypto.subtle.decrypt(params(nonce, aad), cryptoKey, ciphertext as Uint8Array<ArrayBuffer>),
      ),
  };
}

/** A fresh 256-bit key (`crypto.getRandomValues`). */
export function randomKey(): Uint8Array {
  const key = new Uint8Array(32);
  crypto.getRandomValues(key);
  return key;
}
