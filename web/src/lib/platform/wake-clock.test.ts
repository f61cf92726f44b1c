import { describe, expect, it, vi } from 'vitest';
import { localWakePort, serveWakes, WakeClock, type WakePort, type WakeRequest } from './wake-clock';

/** A worker port that serves requests on a fake clock, as the wake worker does on its own. */
function fakeWorker(): { port: WakePort; requests: WakeRequest[] } {
  const requests: WakeRequest[] = [];
  const port: WakePort = {
    onmessage: null,
    postMessage: (request) => {
      requests.push(request);
      serve(request);
    },
  };
  const serve = serveWakes((id) => port.onmessage?.(new MessageEvent('message', { data: id })));
  return { port, requests };
}

describe('WakeClock', () => {
  it('runs each wake once, when the worker says it is due, and not one that was cleared', () => {
    vi.useFakeTimers();
    try {
      const worker = fakeWorker();
      const clock = new WakeClock(() => worker.port);
      const ran: string[] = [];
      clock.setTimeout(() => ran.push('a'), 10);
      const b = clock.setTimeout(() => ran.push('b'), 20);
      clock.clearTimeout(b);
      vi.advanceTimersByTime(50);
      expect(ran).toEqual(['a']);
      expect(worker.requests).toEqual([{ set: 1, ms: 10 }, { set: 2, ms: 20 }, { clear: 2 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts the worker only at the first wake asked for', () => {
    const open = vi.fn(() => fakeWorker().port);
    const clock = new WakeClock(open);
    clock.clearTimeout(undefined);
    expect(open).not.toHaveBeenCalled();
    clock.setTimeout(() => {}, 10);
    clock.setTimeout(() => {}, 10);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('falls back to the page timers where no worker starts', () => {
    vi.useFakeTimers();
    try {
      const clock = new WakeClock(() => {
        throw new Error('no workers here');
      });
      let ran = 0;
      clock.setTimeout(() => ran++, 10);
      vi.advanceTimersByTime(10);
      expect(ran).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores a wake the worker posts twice or one it never had', () => {
    const port = localWakePort();
    const clock = new WakeClock(() => port);
    let ran = 0;
    const id = clock.setTimeout(() => ran++, 10);
    port.onmessage?.(new MessageEvent('message', { data: id + 100 }));
    expect(ran).toBe(0);
    port.onmessage?.(new MessageEvent('message', { data: id }));
    port.onmessage?.(new MessageEvent('message', { data: id }));
    expect(ran).toBe(1);
  });
});
