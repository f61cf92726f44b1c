// The tracker serving a bench build (the app and bench.html, bench/lib/app.ts), run by Node inside an emulated
// network node (netem's startTracker with this file as its entry): `--port <n> --host <address> --static-dir <dir>`.
// The built tracker serves web/dist only, and a bench never touches web/dist.
import { parseArgs } from 'node:util';
import { startServer } from '../../signal-tracker/src/server';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'static-dir': { type: 'string' },
  },
});
if (!values.port || !values.host || !values['static-dir']) {
  console.error('usage: serve.ts --port <n> --host <address> --static-dir <dir>');
  process.exit(2);
}
const server = await startServer({
  port: Number(values.port),
  host: values.host,
  staticDir: values['static-dir'],
  logError: () => {},
});
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
