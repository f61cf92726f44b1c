// The engine worker's hash worker (block-hasher.ts): the leaf hashes of v2 pieces, through SubtleCrypto, off the
// thread that reads web seeds' bodies and stores pieces. The page starts it and hands it one end of a channel whose
// other end the engine worker holds (hash-link.ts); requests come and answers go on that channel.
import { subtleSha256 } from '../../lib/hash';
import type { HashPortMessage } from './hash-link';
import { answerHashRequest, type HashRequest } from './hash-requests';

self.addEventListener('message', (event: MessageEvent<HashPortMessage>) => {
  const port = event.data.port;
  port.onmessage = (request: MessageEvent<HashRequest>) => {
    void answerHashRequest(request.data, subtleSha256).then(({ answer, transfer }) =>
      port.postMessage(answer, transfer),
    );
  };
});
