// The WebCrypto binding is standard AES-256-GCM: what it seals, Node's cipher API opens, and the other way round.
import { describe, expect, it } from 'vitest';
import { RECORD_AAD, recordNonce } from '../../../../shared/private-share/private-share';
import { nodeAead } from '../../../../shared/testing/aead';
import { randomKey, webAead } from './private-crypto';

describe('webAead', () => {
  it('agrees with an independent AES-256-GCM, tag and additional data included', async () => {
    const key = randomKey();
    expect(key).toHaveLength(32);
    expect(randomKey()).not.toEqual(key);
    const web = await webAead(key);
    const node = nodeAead(key);
    const plain = new TextEncoder().encode('a record of a private share');
    const nonce = recordNonce(5, true);
    const sealed = await web.encrypt(nonce, plain, RECORD_AAD);
    expect(sealed).toHaveLength(plain.length + 16);
    expect(await node.decrypt(nonce, sealed, RECORD_AAD)).toEqual(plain);
    expect(await web.decrypt(nonce, await node.encrypt(nonce, plain, RECORD_AAD), RECORD_AAD)).toEqual(plain);
    await expect(web.decrypt(recordNonce(5, false), sealed, RECORD_AAD)).rejects.toThrow();
    await expect(web.decrypt(nonce, sealed, new Uint8Array(1))).rejects.toThrow();
  });
});
