// Every benchmark `npm run bench` knows, in the order a whole run takes them.
import type { Bench } from './lib/figure';
import { storeBench } from './browser/store';
import { swarmBench } from './browser/swarm';
import { transferBench } from './browser/transfer';
import { streamsBench } from './browser/streams';
import { trackerBench } from './tracker/tracker';
import { uplinksBench } from './browser/uplinks';
import { shareBench } from './browser/share';
import { pacerBench } from './engine/pacer';
import { memoryBench } from './browser/memory';
import { wanBench } from './browser/wan';
import { wanPlaybackBench } from './browser/wan-playback';
import { webseedBench } from './browser/webseed';
import { keeperBench } from './keeper/keeper';
import { interopBench } from './node/interop';
import { senderLeavesBench } from './browser/sender-leaves';
import { pexBench } from './browser/pex';

export const BENCHES: readonly Bench[] = [
  trackerBench,
  storeBench,
  transferBench,
  swarmBench,
  uplinksBench,
  senderLeavesBench,
  pexBench,
  memoryBench,
  streamsBench,
  shareBench,
  pacerBench,
  wanBench,
  wanPlaybackBench,
  webseedBench,
  keeperBench,
  interopBench,
];
