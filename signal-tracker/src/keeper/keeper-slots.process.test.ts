// The keeper's fetch slots and its failed starts, on a keeper in this process whose swarms nobody serves: a fetch
// with no new piece for FETCH_STALL_MS gives its slot back and is dropped (its status says so in words); one address
// holds at most MAX_FETCHING_PER_ADDRESS slots, so another address's keep is taken meanwhile; a start that fails
// leaves nothing in the folder and tells the asker words without a path.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FETCH_STALL_MS, MAX_FETCHING_PER_ADDRESS } from './fetch-slots';
import { START_FAILED, STALLED } from './keeper';
import { KeeperScene } from './testing/keeper-scene';
import { lonelyKeeper } from './testing/lonely-keeper';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

const keptHashes = async (folder: string) =>
  (JSON.parse(await readFile(join(folder, 'keeps.json'), 'utf8')) as { infoHash: string }[]).map(
    (record) => record.infoHash,
  );

describe("the keeper's fetch slots", () => {
  it('give back a fetch nobody serves after the stall time, and one address never holds them all', async () => {
    const folder = await scene.folder();
    const { keeper, clock, keep } = await lonelyKeeper(scene, folder);
    const shares = await Promise.all([41, 42, 43, 44].map((seed) => scene.share(seed)));
    const first = await keep(shares[0], 'A');
    const second = await keep(shares[1], 'A');
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(await keep(shares[2], 'A')).toEqual({
      ok: false,
      error: `The keeper is already fetching ${MAX_FETCHING_PER_ADDRESS} shares for your address; try again once one is kept.`,
    });
    clock.now += FETCH_STALL_MS / 2;
    const other = await keep(shares[3], 'B');
    expect(other.ok).toBe(true);

    clock.now += FETCH_STALL_MS / 2;
    await keeper.expire();
    for (const [share, reply] of [
      [shares[0], first],
      [shares[1], second],
    ] as const) {
      if (!reply.ok) throw new Error('taken above');
      expect(keeper.status(share.infoHash, reply.stopToken)).toMatchObject({ kept: false, failed: STALLED });
    }
    // Everything the given-up fetches wrote is gone; the other address's, younger, is still fetched.
    expect((await readdir(folder)).sort()).toEqual(['keeps.json', shares[3].infoHash].sort());
    expect(await keptHashes(folder)).toEqual([shares[3].infoHash]);
    expect((await keep(shares[2], 'A')).ok).toBe(true);
  });
});

describe('a keep whose start fails', () => {
  it('leaves nothing behind, gives its quota back, and tells the asker no path', async () => {
    const folder = await scene.folder();
    const { keep } = await lonelyKeeper(scene, folder);
    const share = await scene.share(45);
    // A file where the share's folder goes: the keeper cannot write the share.
    await writeFile(join(folder, share.infoHash), 'in the way');
    const reply = await keep(share, 'A');
    expect(reply).toEqual({ ok: false, error: START_FAILED });
    expect(JSON.stringify(reply)).not.toContain(folder);
    expect(await readdir(folder)).toEqual(['keeps.json']);
    expect(await keptHashes(folder)).toEqual([]);
    expect((await keep(share, 'A')).ok).toBe(true);
  });
});

describe("the keeper's folder", () => {
  it("holds a key for who asked, never an address, and drops an older file's addresses", async () => {
    const folder = await scene.folder();
    const [first, second, third] = await Promise.all([46, 47, 48].map((seed) => scene.share(seed)));
    // A file from before requester keys, naming its asker's address.
    await writeFile(
      join(folder, 'keeps.json'),
      JSON.stringify([
        {
          infoHash: third.infoHash,
          length: 1,
          address: '198.51.100.23',
          expiresAt: Date.now() + 3_600_000,
          stopToken: 'x',
        },
      ]),
    );
    const { keep } = await lonelyKeeper(scene, folder);
    expect((await keep(first, '203.0.113.9')).ok).toBe(true);
    expect((await keep(second, '2001:db8::77')).ok).toBe(true);
    const written = await readFile(join(folder, 'keeps.json'), 'utf8');
    for (const address of ['203.0.113.9', '2001:db8::77', '198.51.100.23'])
      expect(written).not.toContain(address);
    const records = JSON.parse(written) as { infoHash: string; requester?: string }[];
    const requesters = records.filter((record) => record.infoHash !== third.infoHash).map((r) => r.requester);
    expect(requesters).toHaveLength(2);
    for (const requester of requesters) expect(requester).toMatch(/^[0-9a-f]{32}$/);
    expect(requesters[0]).not.toBe(requesters[1]);
  });
});
