import { describe, expect, it } from 'vitest';
import { PACER_LOAD, runPacerLoad } from './pacer-load';
import { RankAllUploader } from './serve-oracle';
import { Uploader } from '../upload/uploader';

describe('the pacer load (the `pacer` micro-benchmark at a smoke size)', () => {
  it('sends at the transport’s rate, and the incremental order reads what the full ranking reads', () => {
    let ticks = 0;
    const clock = () => ticks++;
    const load = { ...PACER_LOAD, peers: 10, seconds: 0.2 };
    const incremental = runPacerLoad(Uploader, load, clock);
    const full = runPacerLoad(RankAllUploader, load, clock);
    // 0.2 s at 25 MB/s, one block at most still queued.
    expect(incremental.blocks).toBeGreaterThanOrEqual(Math.floor((load.rate * load.seconds) / 16384) - 1);
    expect(incremental.order.length).toBeGreaterThan(0);
    expect(incremental.order).toBe(full.order);
    expect(incremental.cpuMs).toBe(1); // the clock read once before and once after
  });
});
