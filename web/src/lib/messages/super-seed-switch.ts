// A bench's switch on super-seeding (shared/engine/upload/super-seed.ts): a page opened at `?super-seed=on` (passed
// on only under a browser automation, engine-worker-name.ts) starts a worker whose original seeders super-seed, and
// `?super-seed=off` one that announces every piece from the start (the engine's default), so a bench can set the two
// side by side in one run. Any other value, or none, keeps the engine's default.
import type { EngineConfig } from '../../../../shared/engine/contract/engine-types';
import { SUPER_SEED_PARAM, workerOption } from './engine-worker-name';

/** The engine config of a worker named `name`: super-seeding on or off where the name says so, else nothing. */
export function superSeedConfig(name: string): Pick<EngineConfig, 'superSeed'> {
  const said = workerOption(name, SUPER_SEED_PARAM);
  if (said === 'on') return { superSeed: true };
  return said === 'off' ? { superSeed: false } : {};
}
