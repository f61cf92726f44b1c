// `node signal-tracker`: the WebSocket tracker, the WebRTC signalling relay and the web server for the app.
import cluster from 'node:cluster';
import { startServer } from './server';
import { parseCli, USAGE } from './cli';
import { coturnPeerFlags } from './coturn-flags';
import { createLog, uncaughtErrorHandler } from './log';
import { serverOptions } from './server-options';
import { startFailure } from './start-failure';
import { summaryLines } from './summary';
import { keeperStartLine } from './keeper/keep-cli';

const log = createLog();
/** After SIGTERM or SIGINT, the process ends within this long even if the shutdown hangs, in ms. */
const SHUTDOWN_DEADLINE_MS = 5_000;

/** Ends the process with `code` once this long has passed, whatever else is still under way. */
function exitAfterDeadline(code: number): void {
  setTimeout(() => {
    log.error('signal-tracker: shutdown took too long; exiting');
    process.exit(code);
  }, SHUTDOWN_DEADLINE_MS).unref();
}

/** `--workers N`: this primary forks N tracker processes on one port and replaces any that dies. */
function runPrimary(workers: number): void {
  log.info(`signal-tracker: starting ${workers} worker processes`);
  let stopping = false;
  const restarts: number[] = [];
  const fork = () => cluster.fork();
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.error(`signal-tracker: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    // A worker that cannot start (Redis unreachable, port taken) would be forked in a loop: give up after 10 a minute.
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && now - restarts[0] > 60_000) restarts.shift();
    if (restarts.length > 10) {
      log.error('signal-tracker: workers keep exiting; stopping');
      process.exit(1);
    }
    setTimeout(fork, 500);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    exitAfterDeadline(1);
    log.info(`signal-tracker: ${signal}, stopping the workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    log.error(`signal-tracker: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (config.help) {
    log.info(USAGE);
    return;
  }
  if (config.coturnFlags) {
    log.info(coturnPeerFlags().join('\n'));
    return;
  }
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config.workers);
  const server = await startServer(serverOptions(config, log.error));
  const { tracker } = server;
  log.info(
    `signal-tracker: open ${server.url} (tracker ${server.trackerUrl}, announce interval ${config.intervalSeconds} s` +
      (server.processId ? `, process ${server.processId} of the cluster on ${config.redisUrl})` : ')'),
  );
  if (config.keeper) log.info(keeperStartLine(config.keeper));

  const nextSummary = summaryLines(tracker, config.summaryIntervalSeconds);
  const summary = setInterval(() => log.info(nextSummary()), config.summaryIntervalSeconds * 1000);
  summary.unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    exitAfterDeadline(1);
    log.info(`signal-tracker: ${signal}, shutting down`);
    clearInterval(summary);
    server.close().then(
      () => process.exit(0),
      (error: Error) => {
        log.error(`signal-tracker: error while shutting down: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

process.on('uncaughtException', uncaughtErrorHandler(log));

main().catch((error: Error) => {
  log.error(`signal-tracker: ${startFailure(error)}`);
  process.exit(1);
});
