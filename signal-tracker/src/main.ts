// Placeholder entry; replaced by the real tracker.
import { createServer } from 'node:http';

const i = process.argv.indexOf('--port');
const port = Number(i > 0 ? process.argv[i + 1] : (process.env.PORT ?? 8000));
createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(req.url === '/health' ? 'ok' : 'not found');
}).listen(port, () => console.log(`signal-tracker listening on http://localhost:${port}/`));
