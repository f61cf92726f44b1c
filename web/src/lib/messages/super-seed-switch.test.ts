import { describe, expect, it } from 'vitest';
import { engineWorkerName } from './engine-worker-name';
import { superSeedConfig } from './super-seed-switch';

describe('the super-seeding switch', () => {
  it('turns super-seeding on or off for a page an automation opened at ?super-seed=on or off', () => {
    expect(superSeedConfig(engineWorkerName('?super-seed=on', true))).toEqual({ superSeed: true });
    expect(superSeedConfig(engineWorkerName('?super-seed=off', true))).toEqual({ superSeed: false });
  });

  it('keeps the default without the switch, with another value, or on a page no automation drives', () => {
    expect(superSeedConfig(engineWorkerName('', true))).toEqual({});
    expect(superSeedConfig(engineWorkerName('?super-seed=yes', true))).toEqual({});
    expect(superSeedConfig(engineWorkerName('?super-seed=on', false))).toEqual({});
  });
});
