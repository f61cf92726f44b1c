// A bench's switch on super-seeding (shared/engine/upload/super-seed.ts): a page opened at `?super-seed=off` (passed
// on only under a browser automation, engine-worker-name.ts) starts a worker whose torrents announce every piece from
// the start, as a seeder did before super-seeding, so a bench can set the two side by side in one run. Any other
// value, or none, keeps the engine's default.
import type { EngineConfig } from '../../../../shared/engine/contract/engine-types';
import { SUPER_SEED_PARAM, workerOption } from './engine-worker-name';

/** The engine config of a worker named `name`: super-seeding off where the name says `off`, else nothing. */
export function superSeedConfig(name: string): Pick<EngineConfig, 'superSeed'> {
  return workerOption(name, SUPER_SEED_PARAM) === 'off' ? { superSeed: false } : {};
}
