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

describe('PeerDownload after a stall', () => {
  /** 1.6 MB/s for `ms` with requests out (100 ms round trip), from `from`; returns the time after. */
  function steady(download: PeerDownload, from: number, ms: number): number {
    let now = from;
    for (; now < from + ms; now += 10) download.blockArrived(BLOCK, now, now - 100);
    return now;
  }

  it('covers the stall and keeps the rate from before it while the average is diluted', () => {
    const download = new PeerDownload(0);
    let now = steady(download, 100, 8000);
    const before = download.pipelineRate(now);
    expect(download.stallCover(now)).toBe(0);
    // 1.5 s with requests out and nothing arriving, then the held blocks in a burst.
    now += 1500;
    for (let i = 0; i < 50; i++) download.blockArrived(BLOCK, now, now - 1600);
    // The last block came 10 ms before the stall began; the round trip explains 100 ms of the gap.
    expect(download.stallCover(now)).toBe(1410);
    expect(download.down.rate(now)).toBeLessThan(before);
    expect(download.pipelineRate(now) / before).toBeCloseTo(1, 2);
    // Once the meter's window has passed the stall, the measured rate again.
    now = steady(download, now + 10, 5000);
    expect(download.pipelineRate(now)).toBe(download.down.rate(now));
  });

  it('takes no stall from blocks that follow each other as the rate spaces them', () => {
    const download = new PeerDownload(0);
    const now = steady(download, 100, 8000);
    expect(download.stallCover(now)).toBe(0);
  });
});

describe('PeerDownload: a choke is no stall', () => {
  /** Blocks every 10 ms for 3 s (100 ms round trip), then a choke. */
  function chokedAfterBlocks(): { download: PeerDownload; now: number } {
    const download = new PeerDownload(0);
    let now = 100;
    for (; now < 3000; now += 10) download.blockArrived(BLOCK, now, now - 100);
    download.choked();
    return { download, now };
  }

  it('takes no stall from the wait between a choke and the next block', () => {
    const choked = chokedAfterBlocks();
    const download = choked.download;
    let now = choked.now;
    // A block it had sent before the choke, or after the unchoke on a request still out (the fast extension).
    now += 20_000;
    download.blockArrived(BLOCK, now, now - 100);
    expect(download.stallCover(now)).toBe(0);
    expect(download.pipelineRate(now)).toBe(download.down.rate(now));
  });

  it('measures from the first request after the choke', () => {
    const choked = chokedAfterBlocks();
    const download = choked.download;
    const now = choked.now + 2000;
    download.requested(now);
    download.blockArrived(BLOCK, now + 700, now);
    expect(download.stallCover(now + 700)).toBe(600);
  });
});
