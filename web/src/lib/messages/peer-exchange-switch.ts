// A bench's switch on peer exchange (shared/engine/pex/): a page opened at `?peer-exchange=off` (passed on only under a
// browser automation, engine-worker-name.ts) starts a worker that neither advertises nor accepts sd_pex, so its
// torrents meet peers only through their trackers, and a bench can set a swarm with peer exchange beside one without
// in one run. Any other value, or none, keeps the engine's default (on).
import type { EngineConfig } from '../../../../shared/engine/contract/engine-types';
import { PEER_EXCHANGE_PARAM, engineWorkerName, workerOption } from './engine-worker-name';

/** The engine config of a worker named `name`: peer exchange off where the name says so, else nothing. */
export function peerExchangeConfig(name: string): Pick<EngineConfig, 'peerExchange'> {
  return workerOption(name, PEER_EXCHANGE_PARAM) === 'off' ? { peerExchange: false } : {};
}

/** Whether the engine of a page at `search` (its address's query; `automated`: its `navigator.webdriver`) speaks
 * peer exchange: the page asks its trackers for fewer offers when it does (net/page/tracker-offer-cap.ts). */
export function peerExchangeFromAddress(search: string, automated: boolean): boolean {
  return peerExchangeConfig(engineWorkerName(search, automated)).peerExchange ?? true;
}
