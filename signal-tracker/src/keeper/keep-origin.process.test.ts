// Who may ask the keeper, against a tracker with its keeper in a process of its own and a Node peer on WebRTC in the
// sharing tab's place: a page of another site, or a body not sent as JSON, is refused and keeps or stops nothing;
// a share's status is told only with the stop token its keep returned.
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_JSON, OTHER_SITE } from './keep-guard';
import { askKeep, KeeperScene, keepStatus, post, untilKept, untilSeeding } from './testing/keeper-scene';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

const CROSS_SITE = { origin: 'https://elsewhere.example' };
const NOT_KEPT = { error: 'The keeper does not keep this share.' };

describe('asking the keeper', () => {
  it("from another site's page, or not in JSON, keeps and stops nothing; the status needs the stop token", async () => {
    const keepFolder = await scene.folder();
    const server = await scene.tracker(keepFolder);
    const share = await scene.share(31);
    await scene.peer(server, share.torrent, share.source);
    await untilSeeding(server, share.infoHash);
    // The keep the keeper would take, but for where it comes from or how it is sent.
    expect(await post(server, '/keep', share.request, CROSS_SITE)).toEqual({
      status: 403,
      body: { error: OTHER_SITE },
    });
    expect(await post(server, '/keep', share.request, { 'content-type': 'text/plain' })).toEqual({
      status: 415,
      body: { error: NOT_JSON },
    });
    expect(await readdir(keepFolder)).not.toContain(share.infoHash);

    const ownPage = { origin: new URL(server.url).origin };
    const kept = await askKeep(server, share.request, ownPage);
    expect(kept.status).toBe(200);
    await untilKept(server, share.infoHash);
    // Without its stop token, a kept share is told as one the keeper never had.
    expect(await keepStatus(server, share.infoHash, '')).toEqual(NOT_KEPT);
    expect(await keepStatus(server, share.infoHash, 'guess')).toEqual(NOT_KEPT);
    expect(await keepStatus(server, '0'.repeat(40), '')).toEqual(NOT_KEPT);

    const stop = { infoHash: share.infoHash, stopToken: kept.body.stopToken };
    expect((await post(server, '/keep/stop', stop, CROSS_SITE)).status).toBe(403);
    expect((await keepStatus(server, share.infoHash)).kept).toBe(true);
    expect((await post(server, '/keep/stop', stop, ownPage)).status).toBe(200);
  });
});
