// The bounds of a keep request, against a tracker with its keeper in a process of its own and Node peers on WebRTC
// in the tabs' place: a request body over MAX_KEEP_BODY_BYTES is refused in words and keeps nothing, and a keep
// from an address that sends no proof of holding the data is refused, whoever seeds the share.
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PROOF_NEEDED } from './keep-proof';
import { MAX_KEEP_BODY_BYTES } from './keep-routes';
import { askKeep, KeeperScene, post, untilSeeding } from './testing/keeper-scene';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

describe('a keep request', () => {
  it('over the body bound is refused in words, keeps nothing, and the tracker goes on', async () => {
    const keepFolder = await scene.folder();
    const server = await scene.tracker(keepFolder);
    const share = await scene.share(21);
    await scene.peer(server, share.torrent, share.source);
    // A request the keeper would take, but for the padding that takes it past the bound.
    const padded = { ...share.request, padding: 'x'.repeat(MAX_KEEP_BODY_BYTES) };
    expect(await askKeep(server, padded)).toEqual({
      status: 413,
      body: { error: 'That request is too large for the keeper.' },
    });
    expect(await readdir(keepFolder)).not.toContain(share.infoHash);
    const config = await fetch(new URL('/config.json', server.url));
    expect(config.status).toBe(200);
    expect((await askKeep(server, share.request)).status).toBe(200);
  });

  it('sent in chunks without a length is refused once it passes the bound, the rest unread', async () => {
    const server = await scene.tracker(await scene.folder());
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    const ENOUGH = 16 * MAX_KEEP_BODY_BYTES;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 16 times the bound at most: a server that read it all would still answer, so the test ends either way;
        // one that stops reading leaves the rest unsent but for what the sockets' buffers took.
        if (sent >= ENOUGH) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const headers = { 'content-type': 'application/json' };
    const init = { method: 'POST', body, headers, duplex: 'half' } as RequestInit;
    const response = await fetch(new URL('/keep', server.url), init);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'That request is too large for the keeper.' });
    expect(sent).toBeLessThan(ENOUGH);
    expect((await fetch(new URL('/config.json', server.url))).status).toBe(200);
  });

  it('without a proof is refused in words, from any address, while the share is seeded', async () => {
    // Behind a trusted proxy (loopback), the address is the proxy's last X-Forwarded-For entry; the sharer's
    // WebSocket comes from loopback itself.
    const keepFolder = await scene.folder();
    const server = await scene.tracker(keepFolder, undefined, { trustProxy: true });
    const share = await scene.share(23);
    await scene.peer(server, share.torrent, share.source);
    await untilSeeding(server, share.infoHash);
    const stranger = { 'x-forwarded-for': '198.51.100.7' };
    expect(await post(server, '/keep', share.request, stranger)).toMatchObject({
      status: 428,
      body: { ok: false, error: PROOF_NEEDED },
    });
    expect(await readdir(keepFolder)).not.toContain(share.infoHash);
    expect((await askKeep(server, share.request)).status).toBe(200);
  });
});
