// The clock and timers of the context that runs the code (the worker's, or the page's where no wake clock is given):
// what an upload-queue report (shared/host/upload-queue-report.ts) looks again on.
import type { ReportClock } from '../../../shared/host/upload-queue-report';

export const OWN_CLOCK: ReportClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
