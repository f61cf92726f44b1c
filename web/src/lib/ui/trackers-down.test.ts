import { describe, expect, it } from 'vitest';
import type { TrackerStatus } from '../links/trackers';
import { everyTrackerDown, trackersDownWords } from './trackers-down';

const status = (url: string, state: TrackerStatus['state']): TrackerStatus => ({ url, state });

describe('what a card says when its trackers are down', () => {
  it('speaks only when every tracker is unreachable or refuses the torrent', () => {
    expect(everyTrackerDown([])).toBe(false);
    expect(everyTrackerDown([status('wss://a', 'unreachable'), status('wss://b', 'connected')])).toBe(false);
    expect(everyTrackerDown([status('wss://a', 'unreachable'), status('wss://b', 'failure')])).toBe(true);
    expect(everyTrackerDown([status('wss://a', 'connecting')])).toBe(false);
  });

  it('says whether it still meets people through its neighbours', () => {
    expect(trackersDownWords(1, 3)).toMatch(/^Its tracker is down: .*through the 3 connected peers/);
    expect(trackersDownWords(2, 1)).toMatch(/^All 2 of its trackers are down: .*the 1 connected peer that/);
    expect(trackersDownWords(1, 0)).toMatch(/nobody new can be met until a tracker is back/);
  });
});
