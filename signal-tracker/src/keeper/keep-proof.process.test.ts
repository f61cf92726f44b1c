// Keeping proves possession, with the real tracker and its keeper process: a stranger who announces itself as a
// seeder of a victim's share and posts its .torrent, without the data, is refused, and the keeper writes nothing and
// joins no swarm; the sharer's keep, with the piece the keeper's challenge names, is taken; another holder of the
// data is given the same record, so it can stop the keep.
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { cornerCaseFiles, writeFixture } from '../../../node-host/testing/fixtures';
import { hexToBinary } from '../../../shared/codec/tracker-protocol';
import { TestClient } from '../test-client';
import { PROOF_NEEDED, PROOF_STALE, PROOF_WRONG, type Challenge } from './keep-proof';
import { askKeep, KeeperScene, post, untilSeeding } from './testing/keeper-scene';
import { proofFor } from './testing/keep-proofs';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

describe('a keep proves its asker holds the share', () => {
  it('refuses a stranger with the .torrent and a seeder announce but not the data; takes its holders', async () => {
    const keepFolder = await scene.folder();
    const server = await scene.tracker(keepFolder);
    const share = await scene.share(13);
    const peersInSwarm = () =>
      server.tracker.swarmStats(() => '').find((swarm) => swarm.infoHash === share.infoHash)?.peers.length ??
      0;

    const stranger = scene.scratch.keep(await TestClient.open(server.trackerUrl), (client) => client.close());
    stranger.send({
      action: 'announce',
      info_hash: hexToBinary(share.infoHash),
      peer_id: 'stranger-stranger-00',
      event: 'started',
      left: 0,
      numwant: 0,
      offers: [],
    });
    await untilSeeding(server, share.infoHash);

    const asked = await post(server, '/keep', share.request);
    expect(asked).toMatchObject({ status: 428, body: { ok: false, error: PROOF_NEEDED } });
    const challenge = asked.body.challenge as Challenge;
    const guessed = Buffer.alloc(32 * 1024, 7).toString('base64');
    const wrong = await post(server, '/keep', { ...share.request, proof: { ...challenge, bytes: guessed } });
    expect(wrong).toEqual({ status: 403, body: { ok: false, error: PROOF_WRONG } });
    const forged = {
      ...challenge,
      nonce: `${challenge.nonce.split('.')[0]}.${'0'.repeat(64)}`,
      bytes: guessed,
    };
    const stale = await post(server, '/keep', { ...share.request, proof: forged });
    expect(stale).toMatchObject({ status: 428, body: { ok: false, error: PROOF_STALE } });
    expect(await readdir(keepFolder)).not.toContain(share.infoHash);
    expect(peersInSwarm()).toBe(1);

    await scene.peer(server, share.torrent, share.source);
    const kept = await askKeep(server, share.request);
    expect(kept.status).toBe(200);
    expect(kept.body.stopToken).toMatch(/^[0-9a-f]{32}$/);
    expect(await readdir(keepFolder)).toContain(share.infoHash);

    // Another holder of the data (its own copy of the files) is answered with the same record.
    const copy = await scene.folder();
    await writeFixture(copy, 'share', cornerCaseFiles(32 * 1024), 13);
    const again = await post(server, '/keep', share.request);
    const proof = await proofFor(copy, share.torrent, again.body.challenge as Challenge);
    const second = await post(server, '/keep', { ...share.request, proof });
    expect(second).toEqual({ status: 200, body: kept.body });

    // A holder without the keeper's token is told so, and is given no stop token.
    const { token: _token, ...untokened } = share.request;
    const refused = await post(server, '/keep', { ...untokened, proof });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      ok: false,
      error: 'This keeper only keeps shares for people who have its token.',
    });
  });
});
