import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../codec/wire';
import { seedThroughLooks } from '../testing/looked-path';
import { PACE_WINDOW_MS, UploadPacer } from './pacer';
import { CADENCE_COVER, CADENCE_MAX_MS, CADENCE_SAMPLES, LookCadence } from './look-cadence';

describe('the wait for a report', () => {
  it('is the middle of the recent waits: one long or short wait does not decide it', () => {
    const cadence = new LookCadence();
    expect(cadence.typicalMs).toBe(0);
    for (const wait of [10, 10, 3000, 12, 11]) cadence.waited(wait);
    expect(cadence.typicalMs).toBe(11);
    for (let i = 0; i < CADENCE_SAMPLES; i++) cadence.waited(1000);
    cadence.waited(100); // a timer run early among clamped ones
    expect(cadence.typicalMs).toBe(1000);
  });

  it('ignores a nonsensical wait', () => {
    const cadence = new LookCadence();
    for (const wait of [-1, Number.NaN, Infinity]) cadence.waited(wait);
    expect(cadence.typicalMs).toBe(0);
  });

  it('widens the window past the floor only where reports come seldom, and only so far', () => {
    const cadence = new LookCadence();
    expect(cadence.windowMs(PACE_WINDOW_MS)).toBe(PACE_WINDOW_MS);
    for (let i = 0; i < CADENCE_SAMPLES; i++) cadence.waited(10);
    expect(cadence.windowMs(PACE_WINDOW_MS)).toBe(PACE_WINDOW_MS);
    for (let i = 0; i < CADENCE_SAMPLES; i++) cadence.waited(1000);
    expect(cadence.windowMs(PACE_WINDOW_MS)).toBe(CADENCE_COVER * 1000);
    for (let i = 0; i < CADENCE_SAMPLES; i++) cadence.waited(60_000);
    expect(cadence.windowMs(PACE_WINDOW_MS)).toBe(CADENCE_MAX_MS);
  });

  it('is measured by the pacer from when a report is owed: a block sent, or a report of a block or more held', () => {
    const pacer = new UploadPacer();
    pacer.report(0, 0);
    pacer.report(0, 5000); // idle, nothing owed: not a wait
    expect(pacer.cadence.typicalMs).toBe(0);
    pacer.sent(BLOCK_SIZE, 6000);
    pacer.report(BLOCK_SIZE, 7000); // owed since the send
    pacer.report(0, 8000); // owed since the report of a block held
    expect(pacer.cadence.typicalMs).toBe(1000);
    const capacity = 100 * BLOCK_SIZE;
    expect(pacer.window(capacity)).toBe((capacity * CADENCE_COVER * 1000) / 1000);
  });
});

describe('a seeder whose reports come once a second (clamped timers)', () => {
  const pathRate = 400 * 1024;
  it('keeps the path busy: it carries nearly what it would with reports every 10 ms', () => {
    const visible = { ms: 10_000, lookMs: 10, tickMs: 250 };
    const [, clamped] = seedThroughLooks(pathRate, [
      visible,
      { ms: 60_000, lookMs: 1000, tickMs: 1000 },
    ]).phases;
    const [, unclamped] = seedThroughLooks(pathRate, [visible, { ...visible, ms: 60_000 }]).phases;
    expect(unclamped).toBeGreaterThan(0.95 * pathRate * 60);
    expect(clamped).toBeGreaterThan(0.9 * unclamped);
  });
});
