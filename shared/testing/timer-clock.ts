// The host's clock on the global timers, for tests of what a host schedules: under `vi.useFakeTimers()` a test moves
// it with `vi.advanceTimersByTime`.
import type { ReportClock } from '../host/upload-queue-report';

export const timerClock: ReportClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
