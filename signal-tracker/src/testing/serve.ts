// A tracker in a process of its own, for tests that measure it from outside (its memory, its sockets): startServer
// with the options given as JSON in the first argument, on 127.0.0.1 and a free port; it prints
// `{"port":N,"pid":P}` once it listens and stops on SIGTERM.
import { startServer, type ServerOptions } from '../server';

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const running = await startServer({ port: 0, host: '127.0.0.1', logError: () => {}, ...options });
process.stdout.write(`${JSON.stringify({ port: running.port, pid: process.pid })}\n`);
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
