import { describe, expect, it } from 'vitest';
import { checkOptions } from './check-options';

const id = new Uint8Array(20);
const options = { infoHash: id, peerId: id, random: () => 0, now: 0 };

describe('checkOptions', () => {
  it('takes 20-byte ids and a positive upload cap', () => {
    expect(() => checkOptions(options, undefined)).not.toThrow();
    expect(() => checkOptions(options, 1)).not.toThrow();
  });

  it('refuses ids of another length and a cap that is not positive', () => {
    expect(() => checkOptions({ ...options, infoHash: new Uint8Array(19) }, undefined)).toThrow(/infoHash/);
    expect(() => checkOptions({ ...options, peerId: new Uint8Array(32) }, undefined)).toThrow(/peerId/);
    expect(() => checkOptions(options, 0)).toThrow(/upload cap/);
  });
});
