import { describe, expect, it } from 'vitest';
import { engineError, errorMessage } from './errors';

describe('errorMessage', () => {
  it("is an Error's message, its name when the message is empty, or the thrown value as text", () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage(new TypeError(''))).toBe('TypeError');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
  });

  it('names an engine failure as such', () => {
    expect(engineError(new Error('bad state'))).toBe('engine error: bad state');
  });
});
