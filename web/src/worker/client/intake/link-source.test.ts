import { describe, expect, it } from 'vitest';
import type { SeedResponse, SeedTransport } from '../../../net/seed-transport';
import { context, testBytes, testCore, testTorrent } from '../testing/core';
import { addMagnet } from './add-magnet';

const SOURCE = 'https://files.example.org/share/file.bin.torrent';

/** A server answering `status` with `body` for the .torrent, recording the URLs asked. */
function server(status: number, body?: ArrayBuffer): { transport: SeedTransport; asked: string[] } {
  const asked: string[] = [];
  const transport: SeedTransport = async (request) => {
    asked.push(request.url);
    const answer: SeedResponse = {
      status,
      type: 'cors',
      redirected: false,
      url: request.url,
      headers: { get: () => null },
      body: body ? new Blob([body]).stream() : null,
    };
    return answer;
  };
  return { transport, asked };
}

const linkTo = (hash: string, source = SOURCE) =>
  `magnet:?xt=urn:btih:${hash}&dn=file.bin&tr=wss%3A%2F%2Flink.example%2F` +
  `&ws=https%3A%2F%2Ffiles.example.org%2Fshare%2F&xs=${encodeURIComponent(source)}`;

describe('a link with an exact source (xs=)', () => {
  it('starts from the fetched .torrent with nobody online, listed with the link’s trackers and web seeds', async () => {
    const { info, torrent } = await testTorrent(testBytes(40_000, 1), 'file.bin', [['wss://other.example/']]);
    const { transport, asked } = server(200, torrent);
    const { core } = testCore({ seedTransport: transport });
    const added = await addMagnet(core, { link: linkTo(info.infoHashHex) }, context());
    expect(added).toEqual({ infoHashHex: info.infoHashHex, name: 'file.bin' });
    // The .torrent first; then the file itself, from the web seed, as nobody else has it.
    expect(asked[0]).toBe(SOURCE);
    expect(asked.slice(1)).toContain('https://files.example.org/share/file.bin');
    const host = core.registry.get(info.infoHashHex)!;
    expect(host.info?.pieceCount).toBe(info.pieceCount);
    expect(host.record.trackers).toEqual(['wss://link.example/', 'wss://app.example/']);
    expect(host.record.webSeeds).toEqual(['https://files.example.org/share/']);
    expect(core.registry.views(0)[0].state).not.toBe('fetching-metadata');
  });

  it('refuses a .torrent whose info hash is not the link’s, and says so while it waits for peers', async () => {
    const { torrent } = await testTorrent(testBytes(40_000, 2));
    const other = await testTorrent(testBytes(40_000, 3));
    const { core } = testCore({ seedTransport: server(200, torrent).transport });
    await addMagnet(core, { link: linkTo(other.info.infoHashHex) }, context());
    const view = core.registry.views(0)[0];
    expect(view.state).toBe('fetching-metadata');
    expect(view.sourceProblem).toBe(
      "file.bin.torrent on files.example.org is another torrent than the link's",
    );
  });

  it('says a .torrent the server lacks, by name and status', async () => {
    const { info } = await testTorrent(testBytes(40_000, 4));
    const { core } = testCore({ seedTransport: server(404).transport });
    await addMagnet(core, { link: linkTo(info.infoHashHex) }, context());
    expect(core.registry.views(0)[0].sourceProblem).toBe(
      'file.bin.torrent on files.example.org is not there (404)',
    );
  });

  it('says an answer that is no .torrent', async () => {
    const { info } = await testTorrent(testBytes(40_000, 5));
    const html = new TextEncoder().encode('<html>not found</html>').buffer as ArrayBuffer;
    const { core } = testCore({ seedTransport: server(200, html).transport });
    await addMagnet(core, { link: linkTo(info.infoHashHex) }, context());
    expect(core.registry.views(0)[0].sourceProblem).toMatch(
      /^file\.bin\.torrent on files\.example\.org: Not a valid \.torrent file/,
    );
  });

  it('never asks a source on this device or its network', async () => {
    const { info } = await testTorrent(testBytes(40_000, 6));
    const { transport, asked } = server(404);
    const { core } = testCore({ seedTransport: transport });
    await addMagnet(core, { link: linkTo(info.infoHashHex, 'http://192.168.1.1/x.torrent') }, context());
    expect(asked).toEqual([]);
    expect(core.registry.views(0)[0].sourceProblem).toBe(
      'x.torrent on 192.168.1.1 is on this device or its network, which a link may not make this tab ask',
    );
  });
});
