// A paced seeder behind a path that the adapter looks at on a timer (look-cadence.test.ts, look-drain.test.ts): one
// peer that keeps `asked` blocks waiting, reads done at once, a transport draining `pathRate` bytes/s; the adapter
// reports what the transport holds every `lookMs` and the engine ticks every `tickMs` (a background tab's clamped
// worker timers: both once a second). Time is passed in, in 10 ms steps.
import { BLOCK_SIZE } from '../../codec/wire';
import { blockPieces, pacedSeeder } from './paced-seeder';

export interface LookPhase {
  ms: number;
  lookMs: number;
  tickMs: number;
}

export interface LookedPathRun {
  /** Bytes the path carried in each phase. */
  phases: number[];
  /** Bytes the path carried in each second of the run. */
  seconds: number[];
}

const STEP_MS = 10;

export function seedThroughLooks(pathRate: number, phases: LookPhase[], asked = 64): LookedPathRun {
  const info = blockPieces(1 << 16, 4);
  const seeder = pacedSeeder(info, ['a']);
  const [peer] = seeder.peers;
  let next = 0;
  const askMore = (now: number) => {
    while (peer.upload.size < asked) {
      const index = Math.floor(next / 4) % info.pieceCount;
      seeder.uploader.onRequest(peer, { index, begin: (next % 4) * BLOCK_SIZE, length: BLOCK_SIZE }, now);
      next++;
    }
  };
  let held = 0;
  let scanned = 0;
  const readAll = (now: number) => {
    while (seeder.pending.length > 0) {
      const { peer: to, index, begin } = seeder.pending.shift()!;
      seeder.uploader.onReadDone(to, index, begin, new Uint8Array(BLOCK_SIZE), now);
    }
    for (; scanned < seeder.sent.length; scanned++)
      if (seeder.sent[scanned].type === 'piece') held += BLOCK_SIZE;
  };
  const run: LookedPathRun = { phases: [], seconds: [] };
  let now = 0;
  seeder.uploader.onUploadQueue(0, now);
  for (const phase of phases) {
    let bytes = 0;
    for (const end = now + phase.ms; now < end; now += STEP_MS) {
      const out = Math.min(held, (pathRate * STEP_MS) / 1000);
      held -= out;
      bytes += out;
      const second = Math.floor(now / 1000);
      run.seconds[second] = (run.seconds[second] ?? 0) + out;
      askMore(now);
      readAll(now);
      if (now % phase.lookMs === 0) seeder.uploader.onUploadQueue(held, now);
      if (now % phase.tickMs === 0) seeder.uploader.tick(seeder.peers, now);
      readAll(now);
    }
    run.phases.push(bytes);
  }
  return run;
}
