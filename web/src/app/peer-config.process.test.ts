import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeerConfig } from './peer-config';

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
    if (request.url === '/whole') response.end(JSON.stringify({ iceServers: [], relay: false }).padEnd(200));
    // The headers and the start of the body, then nothing: a tracker stalled mid-answer.
    else response.write('{"iceServers":');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('loadPeerConfig', () => {
  it('goes on without a relay when the answer stalls in its body', async () => {
    const config = await loadPeerConfig(`${origin}/stalled`, 300);
    expect(config).toMatchObject({ iceServers: [], relay: false, fresh: false });
  });

  it('reads a whole answer', async () => {
    expect(await loadPeerConfig(`${origin}/whole`, 5000)).toMatchObject({ relay: false, fresh: true });
  });
});
