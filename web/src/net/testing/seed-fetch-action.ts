// Test helper: the engine's `webseed-fetch` action as the fetchers' tests hand it over, request 1 for the first
// `end` bytes of one file of a seed (by default a made-up one; the tests that reach a real server give its URLs).
import type { EngineAction } from '../../../../shared/engine/contract/engine-types';

export type SeedFetchAction = Extract<EngineAction, { type: 'webseed-fetch' }>;

/** Request 1 for bytes 0..`end` of file 0 at `url` on the seed `seed`. */
export function seedFetchAction(
  end: number,
  where: { seed: string; url: string } = { seed: 'https://s.example/d', url: 'https://s.example/d/a' },
): SeedFetchAction {
  return { type: 'webseed-fetch', request: 1, ...where, file: 0, start: 0, end };
}
