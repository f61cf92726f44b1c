import { describe, expect, it } from 'vitest';
import { engineWorkerName, workerOption } from './engine-worker-name';

describe("the engine worker's name", () => {
  it('is the plain name without any parameter it carries', () => {
    expect(engineWorkerName('')).toBe('swarmdrop-engine');
    expect(engineWorkerName('?channels=page')).toBe('swarmdrop-engine');
  });

  it('carries the parameters it knows, in its own order, and no value that is not a plain word', () => {
    const name = engineWorkerName('?block-hashes=engine&channels=page&idle-timeout=12');
    expect(name).toBe('swarmdrop-engine idle-timeout=12');
    expect(workerOption(name, 'idle-timeout')).toBe('12');
    expect(engineWorkerName('?idle-timeout=1%202')).toBe('swarmdrop-engine');
  });

  it('reads nothing from a name it did not make', () => {
    expect(workerOption('swarmdrop-engine idle-timeout=12 extra', 'idle-timeout')).toBeUndefined();
    expect(workerOption('swarmdrop-engine idle-timeout=12 other=1', 'idle-timeout')).toBeUndefined();
    expect(workerOption('other idle-timeout=12', 'idle-timeout')).toBeUndefined();
    expect(workerOption('swarmdrop-engine block-hashes=engine', 'idle-timeout')).toBeUndefined();
    expect(workerOption('hash', 'idle-timeout')).toBeUndefined();
  });
});
