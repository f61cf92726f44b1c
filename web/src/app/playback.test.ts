import { describe, expect, it } from 'vitest';
import { positionOf, worthSending } from './playback';

const playing = (time: number) => ({ time, duration: 60, paused: false });

describe('worthSending', () => {
  it('sends the first position, then one a second while playing on', () => {
    expect(worthSending(undefined, playing(0), 0)).toBe(true);
    const last = { position: playing(0), at: 0 };
    expect(worthSending(last, playing(0.25), 250)).toBe(false);
    expect(worthSending(last, playing(1), 1_000)).toBe(true);
  });

  it('sends at once a pause, a new duration and a jump either way', () => {
    const last = { position: playing(10), at: 0 };
    expect(worthSending(last, { ...playing(10.25), paused: true }, 250)).toBe(true);
    expect(worthSending(last, { ...playing(10.25), duration: 61 }, 250)).toBe(true);
    expect(worthSending(last, playing(48), 250)).toBe(true);
    expect(worthSending(last, playing(2), 250)).toBe(true);
    // Paused, the time stays: a seek while paused is a jump too.
    const paused = { position: { ...playing(10), paused: true }, at: 0 };
    expect(worthSending(paused, { ...playing(10), paused: true }, 500)).toBe(false);
    expect(worthSending(paused, { ...playing(30), paused: true }, 500)).toBe(true);
  });
});

describe('positionOf', () => {
  it('reads the element, an unknown duration as 0, and waiting as paused', () => {
    const media = { currentTime: 3, duration: NaN, paused: false, seeking: false, readyState: 4 };
    expect(positionOf(media as HTMLMediaElement)).toEqual({ time: 3, duration: 0, paused: false });
    expect(positionOf({ ...media, duration: 60, readyState: 2 } as HTMLMediaElement)).toEqual({
      time: 3,
      duration: 60,
      paused: true,
    });
  });
});
