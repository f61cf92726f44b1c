import { describe, expect, it } from 'vitest';
import { Swarm } from './socket-session';
import { announceReply, answerWire, failure, offerWire, scrapeReply } from './replies';

describe('the wire messages', () => {
  it('shape failures with the action and info hash only when known', () => {
    expect(failure('no')).toEqual({ 'failure reason': 'no' });
    expect(failure('no', 'scrape')).toEqual({ 'failure reason': 'no', action: 'scrape' });
    expect(failure('no', 'announce', 'h')).toEqual({
      'failure reason': 'no',
      action: 'announce',
      info_hash: 'h',
    });
  });

  it('reply to an announce with the counts, and with the other hash of a bound swarm', () => {
    expect(announceReply('h', undefined, 30)).toEqual({
      action: 'announce',
      info_hash: 'h',
      interval: 30,
      complete: 0,
      incomplete: 0,
    });
    const swarm = new Swarm('h');
    swarm.alias = 'g';
    expect(announceReply('g', swarm, 30).info_hash_alias).toBe('h');
    expect(announceReply('h', swarm, 30).info_hash_alias).toBe('g');
  });

  it('reply to a scrape with every asked hash, unknown ones at zero', () => {
    expect(scrapeReply(['x'], () => undefined, 60)).toEqual({
      action: 'scrape',
      files: { x: { complete: 0, incomplete: 0, downloaded: 0 } },
      flags: { min_request_interval: 60 },
    });
  });

  it('forward offers and answers as announces from the other peer', () => {
    expect(offerWire('h', 'a', 'o', { sdp: 's' })).toEqual({
      action: 'announce',
      offer: { sdp: 's' },
      offer_id: 'o',
      peer_id: 'a',
      info_hash: 'h',
    });
    expect(answerWire('h', 'b', 'o', { sdp: 't' })).toMatchObject({ answer: { sdp: 't' }, peer_id: 'b' });
  });
});
