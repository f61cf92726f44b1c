import { describe, expect, it } from 'vitest';
import { PeerDownload } from './peer-download';

const BLOCK = 16384;

describe('PeerDownload', () => {
  it('samples the round trip of each block whose request time is known', () => {
    const download = new PeerDownload(0);
    download.blockArrived(BLOCK, 300, 0);
    download.blockArrived(BLOCK, 500, 100);
    download.blockArrived(BLOCK, 600);
    expect(download.roundTrip.samples).toBe(2);
    expect(download.roundTrip.least).toBe(300);
  });

  it('ramps the pipeline on the last second while the rate grows, not on the average since the first block', () => {
    const download = new PeerDownload(0);
    // 100 KB/s for 3 s, then 1 MB/s for a second.
    let now = 0;
    for (; now < 3000; now += 100) download.blockArrived(10_000, now);
    for (; now < 4000; now += 10) download.blockArrived(10_000, now);
    expect(download.down.rate(now)).toBeLessThan(400_000);
    expect(download.pipelineRate(now)).toBeGreaterThan(900_000);
  });

  it('follows the 5-second average once the ramp is over, however the last second went', () => {
    const download = new PeerDownload(0);
    let now = 0;
    for (; now < 5000; now += 100) download.blockArrived(10_000, now);
    for (; now < 6000; now += 10) download.blockArrived(10_000, now);
    expect(download.pipelineRate(now)).toBe(download.down.rate(now));
  });

  it('follows the 5-second average while the last second is slower', () => {
    const download = new PeerDownload(0);
    let now = 0;
    for (; now < 3000; now += 10) download.blockArrived(10_000, now);
    now += 1500;
    expect(download.pipelineRate(now)).toBe(download.down.rate(now));
    expect(download.pipelineRate(now)).toBeGreaterThan(0);
  });
});
