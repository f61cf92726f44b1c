import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_OFFERS,
  MAX_OFFERS,
  MIN_OFFERS,
  NEXT_IN_LINE,
  offerDepth,
  planOffers,
  type PlanPeer,
} from './super-seed-plan';

const peer = (key: string, unchoked: boolean, extra: Partial<PlanPeer<string>> = {}): PlanPeer<string> => ({
  key,
  unchoked,
  holding: 0,
  roundTripMs: 500,
  ...extra,
});
const offersOf = (targets: ReturnType<typeof planOffers<string>>) =>
  Object.fromEntries(targets.map((t) => [t.key, t.offers]));

describe('offerDepth', () => {
  it('covers the round trip with offers of the slot, between MIN_OFFERS and MAX_OFFERS', () => {
    expect(offerDepth(0, 1000)).toBe(MIN_OFFERS);
    expect(offerDepth(1500, 1000)).toBe(3);
    expect(offerDepth(3000, 1000)).toBe(4);
    expect(offerDepth(60_000, 10)).toBe(MAX_OFFERS);
  });

  it('an unknown rate or a nonsensical round trip gives the least', () => {
    expect(offerDepth(1000, Infinity)).toBe(MIN_OFFERS);
    expect(offerDepth(1000, 0)).toBe(MIN_OFFERS);
    expect(offerDepth(Number.NaN, 100)).toBe(MIN_OFFERS);
  });
});

describe('planOffers', () => {
  it('unchoked peers get offers for their round trip at their share of the upload; choked ones only next in line', () => {
    // 64 KiB/s over two slots: a 16 KiB piece takes 500 ms of a slot; a round trip of 1.2 s needs 1 + 3 offers.
    const peers = [
      peer('a', true, { roundTripMs: 1200 }),
      peer('b', true, { roundTripMs: 100 }),
      peer('c', false),
      peer('d', false),
      peer('e', false),
    ];
    const plan = offersOf(planOffers(peers, 3, 64 * 1024, 16 * 1024));
    expect(plan.a).toBe(4);
    expect(plan.b).toBe(MIN_OFFERS);
    // One slot free: one choked peer next in line, the others none.
    expect([plan.c, plan.d, plan.e].sort()).toEqual([0, 0, CANDIDATE_OFFERS]);
  });

  it('a choked peer already holding an offer stays next in line', () => {
    const peers = [peer('c', false), peer('d', false, { holding: 1 })];
    const plan = offersOf(planOffers(peers, 1, 0, 16 * 1024));
    expect(plan).toEqual({ c: 0, d: CANDIDATE_OFFERS });
  });

  it('with every slot taken a peer still waits in line, and a peer with no piece gets one offer to start from', () => {
    const peers = [
      peer('a', true),
      peer('b', true),
      peer('c', false),
      peer('d', false),
      peer('new', false, { empty: true }),
    ];
    const plan = offersOf(planOffers(peers, 2, 1000, 16 * 1024));
    expect([plan.c, plan.d].filter((n) => n > 0)).toHaveLength(NEXT_IN_LINE);
    expect(plan.new).toBe(CANDIDATE_OFFERS);
  });
});
