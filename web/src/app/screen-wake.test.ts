import { describe, expect, it } from 'vitest';
import { ScreenWake, screenWakeWanted, type WakeLockLike, type WakeSentinel } from './screen-wake';

const downloading = { state: 'downloading' as const, peers: 1, seeds: 1 };
const idleSeed = { state: 'seeding' as const, peers: 1, seeds: 1 };
const serving = { state: 'seeding' as const, peers: 2, seeds: 1 };

/** A wake lock API that grants at once and records what is held. */
class FakeWakeLock implements WakeLockLike {
  held = 0;
  requests = 0;
  private listeners: Array<() => void> = [];
  async request(): Promise<WakeSentinel> {
    this.requests++;
    this.held++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.held--;
      for (const listener of this.listeners.splice(0)) listener();
    };
    return {
      release: async () => release(),
      addEventListener: (_type, listener) => this.listeners.push(listener),
    };
  }
  /** The browser lets the lock go (the page was hidden). */
  hide(): void {
    for (const listener of this.listeners.splice(0)) listener();
    this.held = 0;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('screenWakeWanted', () => {
  it('wants the screen on while a transfer runs and the page is shown', () => {
    expect(screenWakeWanted([downloading], true)).toBe(true);
    expect(screenWakeWanted([idleSeed, serving], true)).toBe(true);
    expect(screenWakeWanted([idleSeed], true)).toBe(false);
    expect(screenWakeWanted([downloading], false)).toBe(false);
    expect(screenWakeWanted([], true)).toBe(false);
  });
});

describe('ScreenWake', () => {
  it('holds one lock during transfers and lets it go when all is idle', async () => {
    const lock = new FakeWakeLock();
    const wake = new ScreenWake(lock, () => true);
    wake.update([downloading]);
    wake.update([downloading, serving]);
    await settle();
    expect([lock.held, lock.requests, wake.held]).toEqual([1, 1, true]);
    wake.update([idleSeed]);
    await settle();
    expect([lock.held, wake.held]).toEqual([0, false]);
  });

  it('asks again when the page is shown after the browser let the lock go', async () => {
    const lock = new FakeWakeLock();
    let visible = true;
    const wake = new ScreenWake(lock, () => visible);
    wake.update([downloading]);
    await settle();
    visible = false;
    lock.hide();
    wake.apply();
    expect(wake.held).toBe(false);
    visible = true;
    wake.apply();
    await settle();
    expect([lock.held, lock.requests]).toEqual([1, 2]);
  });

  it('lets go of a lock granted after the transfer ended, and at close', async () => {
    const lock = new FakeWakeLock();
    const wake = new ScreenWake(lock, () => true);
    wake.update([downloading]);
    wake.update([]);
    await settle();
    expect(lock.held).toBe(0);
    wake.update([downloading]);
    await settle();
    wake.close();
    await settle();
    expect(lock.held).toBe(0);
  });

  it('does nothing where the browser has no wake lock', () => {
    const wake = new ScreenWake(undefined, () => true);
    wake.update([downloading]);
    expect(wake.held).toBe(false);
  });
});
