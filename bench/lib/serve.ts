// The tracker serving a bench build (the app and bench.html, bench/lib/app.ts), run by Node inside an emulated
// network node (netem's startTracker with this file as its entry): `--port <n> --host <address> --static-dir <dir>`.
// The built tracker serves web/dist only, and a bench never touches web/dist. `--turn-urls <urls> --turn-secret <s>`
// hand out TURN credentials as the tracker's own flags do.
import { parseArgs } from 'node:util';
import { startServer } from '../../signal-tracker/src/server';
import { DEFAULT_TURN_TTL_SECONDS, parseTurnUrls } from '../../signal-tracker/src/turn';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'static-dir': { type: 'string' },
    'turn-urls': { type: 'string' },
    'turn-secret': { type: 'string' },
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
  turn:
    values['turn-urls'] && values['turn-secret']
      ? {
          urls: parseTurnUrls(values['turn-urls'], '--turn-urls'),
          secret: values['turn-secret'],
          ttlSeconds: DEFAULT_TURN_TTL_SECONDS,
        }
      : undefined,
});
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
