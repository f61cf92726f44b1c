import { describe, expect, it } from 'vitest';
import { isClusterMessage } from './cluster-message';

const offer = {
  kind: 'offer',
  infoHash: 'h',
  to: 'b',
  from: 'a',
  fromProcess: 'p1',
  offerId: 'o',
  offer: { type: 'offer', sdp: 'v=0' },
};
const answer = {
  kind: 'answer',
  infoHash: 'h',
  to: 'a',
  from: 'b',
  offerId: 'o',
  answer: { type: 'answer', sdp: 'v=0' },
};

describe('isClusterMessage', () => {
  it('accepts the offers and answers a process publishes', () => {
    expect(isClusterMessage(offer)).toBe(true);
    expect(isClusterMessage({ ...offer, toHash: 'g', fromAddress: '10.0.0.1' })).toBe(true);
    expect(isClusterMessage(answer)).toBe(true);
  });

  it('refuses anything else', () => {
    for (const value of [
      null,
      'offer',
      { ...offer, kind: 'other' },
      { ...offer, to: 1 },
      { ...offer, fromProcess: undefined },
      { ...offer, toHash: 2 },
      { ...offer, fromAddress: null },
      { ...offer, offer: null },
      { ...answer, answer: 'sdp' },
      { ...answer, answer: { type: 'answer' } },
      { ...offer, offer: { type: 'offer', sdp: 1 } },
      { ...answer, offerId: undefined },
    ])
      expect(isClusterMessage(value)).toBe(false);
  });
});
