// The Lab page's worker: runs one experiment of lab/ at a time (the same code as `npm run lab`) and posts its figures
// as they grow. The browser has only the asynchronous SubtleCrypto, so the engine gets the lab's cheap synchronous
// hash (fastHash); no experiment here tests piece verification.
import { experiment } from '../../../lab/experiments/index';
import { applyOptions } from '../../../lab/options';
import { fastHash } from '../../../lab/sim/hash';
import type { LabReply, RunRequest } from './lab-messages';

const post = (reply: LabReply) => (self as unknown as Worker).postMessage(reply);

self.onmessage = (event: MessageEvent<RunRequest>) => {
  const request = event.data;
  if (request?.type !== 'run') return;
  try {
    const exp = experiment(request.experiment);
    const params = applyOptions(exp.small, request.values);
    const start = performance.now();
    const result = exp.run(params, {
      hash: fastHash,
      progress: (figures, note) => post({ type: 'progress', figures, note }),
    });
    post({ type: 'done', result, seconds: (performance.now() - start) / 1000 });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
