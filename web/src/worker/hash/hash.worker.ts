// The engine worker's hash worker (block-hasher.ts): the leaf hashes of v2 pieces, through SubtleCrypto, off the
// thread that reads web seeds' bodies and stores pieces.
import { subtleSha256 } from '../../lib/hash';
import { answerHashRequest, type HashRequest } from './hash-requests';

self.addEventListener('message', (event: MessageEvent<HashRequest>) => {
  void answerHashRequest(event.data, subtleSha256).then(({ answer, transfer }) =>
    self.postMessage(answer, { transfer }),
  );
});
