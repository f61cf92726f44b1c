// Test helper: AES-256-GCM through node:crypto's cipher API (the app uses WebCrypto), so the tests also check that
// two implementations agree on the records.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Aead } from '../private-share/private-share';

export function nodeAead(key: Uint8Array): Aead {
  return {
    async encrypt(nonce, plaintext, aad) {
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return new Uint8Array(Buffer.concat([body, cipher.getAuthTag()]));
    },
    async decrypt(nonce, ciphertext, aad) {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(aad);
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const body = Buffer.concat([
        decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
        decipher.final(),
      ]);
      return new Uint8Array(body);
    },
  };
}
