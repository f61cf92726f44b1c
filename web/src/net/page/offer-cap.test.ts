import { describe, expect, it } from 'vitest';
import { answersOffer, ANSWERS_BEYOND_CAP } from './offer-cap';

describe('answersOffer', () => {
  it('answers below the cap whatever the engine says', () => {
    expect(answersOffer(0, 50, false)).toBe(true);
    expect(answersOffer(49, 50, false)).toBe(true);
  });

  it('at the cap, answers only while the engine reports an idle place', () => {
    expect(answersOffer(50, 50, false)).toBe(false);
    expect(answersOffer(50, 50, true)).toBe(true);
  });

  it('never more than one answer at a time beyond the cap', () => {
    expect(answersOffer(50 + ANSWERS_BEYOND_CAP, 50, true)).toBe(false);
  });
});
