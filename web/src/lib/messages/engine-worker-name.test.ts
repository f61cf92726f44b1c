import { describe, expect, it } from 'vitest';
import { engineWorkerName, workerOption } from './engine-worker-name';

describe("the engine worker's name", () => {
  it('is the plain name without any parameter it carries', () => {
    expect(engineWorkerName('')).toBe('swarmdrop-engine');
    expect(engineWorkerName('?channels=page', true)).toBe('swarmdrop-engine');
    expect(engineWorkerName('?idle-timeout=12', true)).toBe('swarmdrop-engine');
  });

  it('carries the parameters it knows, and no value that is not a plain word', () => {
    const name = engineWorkerName('?block-hashes=engine&channels=page&hold-pieces=12', true);
    expect(name).toBe('swarmdrop-engine hold-pieces=12');
    expect(workerOption(name, 'hold-pieces')).toBe('12');
    expect(engineWorkerName('?hold-pieces=1%202', true)).toBe('swarmdrop-engine');
  });

  it('reads nothing from a name it did not make', () => {
    expect(workerOption('swarmdrop-engine hold-pieces=12 extra', 'hold-pieces')).toBeUndefined();
    expect(workerOption('swarmdrop-engine hold-pieces=12 other=1', 'hold-pieces')).toBeUndefined();
    expect(workerOption('other hold-pieces=12', 'hold-pieces')).toBeUndefined();
    expect(workerOption('swarmdrop-engine block-hashes=engine', 'hold-pieces')).toBeUndefined();
    expect(workerOption('hash', 'hold-pieces')).toBeUndefined();
  });
});
