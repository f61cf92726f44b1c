// Removal that runs however the owning process ends: on a normal exit, and on the signals a test runner or a person
// sends (after which the signal's usual ending goes on). A SIGKILL runs nothing: the relay then exits as its stdin
// closes, which takes the TUN devices with it, and the next start sweeps the namespaces (namespaces.ts).
const cleanups = new Set<() => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // Each removal is independent: one that fails must not keep the others from running.
    }
  }
  cleanups.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  for (const each of SIGNALS) process.removeListener(each, onSignal);
  installed = false;
  // With no other listener, end as the signal would have ended the process.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Registers a synchronous removal; returns its unregistration. */
export function registerCleanup(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
