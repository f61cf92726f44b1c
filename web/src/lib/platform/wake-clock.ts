// Timers that a hidden page does not throttle. Chromium runs a hidden page's timers at most once a second (once a
// minute after 5 minutes hidden) and Firefox clamps a background tab's to 1 s; a dedicated worker's timers are not
// held back so, and a message from the worker is an ordinary task of the page, run as soon as it is posted. Work the
// page must do on a short period while it holds data channels (the upload-queue report's 10 ms look, shared/
// host/upload-queue-report.ts) waits on the worker's timers through this clock instead of the page's own. Firefox Nightly
// clamps a background tab's worker timers to 1 s too (`dom.workers.throttling.enabled`): there the wake is no earlier
// than the page's own timer would be, and no later.

/** What the page asks the worker: wake it with `set`'s id after `ms`, or forget `clear`'s. */
export type WakeRequest = { set: number; ms: number } | { clear: number };

/** The page's end of the wake worker (a `Worker`, or a fake in tests). */
export interface WakePort {
  postMessage(request: WakeRequest): void;
  onmessage: ((event: MessageEvent<number>) => void) | null;
}

/** The same shape as the report clocks (shared/host/upload-queue-report.ts's ReportClock). */
export interface WakeClockLike {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class WakeClock implements WakeClockLike {
  /** The wakes asked for and not yet run or cleared: one per caller's pending look, never more than they ask. */
  private readonly pending = new Map<number, () => void>();
  private nextId = 1;
  private port: WakePort | undefined;

  /** `openPort` is called at the first wake asked for, so a page that never needs one starts no worker. */
  constructor(private readonly openPort: () => WakePort) {}

  now(): number {
    return performance.now();
  }

  setTimeout(run: () => void, ms: number): number {
    const id = this.nextId++;
    this.pending.set(id, run);
    this.connect().postMessage({ set: id, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle !== 'number' || !this.pending.delete(handle)) return;
    this.port?.postMessage({ clear: handle });
  }

  private connect(): WakePort {
    if (this.port) return this.port;
    let port: WakePort;
    try {
      port = this.openPort();
    } catch {
      port = localWakePort(); // no worker to be had: the page's own timers, throttled when hidden
    }
    port.onmessage = (event) => {
      const run = this.pending.get(event.data);
      if (!run) return;
      this.pending.delete(event.data);
      run();
    };
    this.port = port;
    return port;
  }
}

export interface WorkerTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The worker's side: runs each request on the worker's timers and posts the id back when it is due. */
export function serveWakes(
  post: (id: number) => void,
  timers: WorkerTimers = {
    setTimeout: (run, ms) => setTimeout(run, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
): (request: WakeRequest) => void {
  const armed = new Map<number, unknown>();
  return (request) => {
    if ('clear' in request) {
      timers.clearTimeout(armed.get(request.clear));
      armed.delete(request.clear);
      return;
    }
    const { set, ms } = request;
    armed.set(
      set,
      timers.setTimeout(() => {
        armed.delete(set);
        post(set);
      }, ms),
    );
  };
}

/** A wake port served on the page's own timers, where no worker can be started. */
export function localWakePort(): WakePort {
  const port: WakePort = {
    onmessage: null,
    postMessage: (request) => serve(request),
  };
  const serve = serveWakes((id) => port.onmessage?.(new MessageEvent('message', { data: id })));
  return port;
}

/** The app's wake clock, its worker started at the first wake. */
export function appWakeClock(): WakeClock {
  return new WakeClock(
    () => new Worker(new URL('./wake.worker.ts', import.meta.url), { type: 'module' }) as unknown as WakePort,
  );
}
