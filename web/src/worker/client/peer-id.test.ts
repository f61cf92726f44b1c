import { describe, expect, it } from 'vitest';
import { newPeerId, randomHex } from './peer-id';

describe('newPeerId', () => {
  it('is 20 bytes: the -SW0100- prefix, then 12 printable alphanumerics', () => {
    const id = newPeerId();
    expect(id.length).toBe(20);
    const text = new TextDecoder().decode(id);
    expect(text).toMatch(/^-SW0100-[0-9a-zA-Z]{12}$/);
  });

  it('differs from one worker to the next', () => {
    expect(newPeerId()).not.toEqual(newPeerId());
  });
});

describe('randomHex', () => {
  it('gives two hex digits a byte', () => {
    expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
  });
});
