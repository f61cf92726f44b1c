// WebTorrent's bundle page for playing (bench/browser/webtorrent.ts), run by Node inside an emulated network node
// (netem's startTracker with this file as its entry): `--port <n> --host <address>`. Its client offers host
// candidates only, as our app does in the emulation: no STUN server is reachable there, and WebTorrent's default
// ones (named, with no name server to resolve them) would hold every offer for simple-peer's 5 s gathering limit.
import { parseArgs } from 'node:util';
import { bundleServer } from '../browser/webtorrent';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
if (!values.port || !values.host) {
  console.error('usage: serve-bundle.ts --port <n> --host <address>');
  process.exit(2);
}
const server = await bundleServer(undefined, true, {
  listen: { host: values.host, port: Number(values.port) },
  clientOptions: { tracker: { rtcConfig: { iceServers: [] } } },
});
process.once('SIGTERM', () => {
  server.close();
  process.exit(0);
});
