import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../shared/codec/hex';
import { parseMagnet } from '../../../../shared/codec/magnet';
import { createInfo } from '../../../../shared/codec/metainfo';
import { createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { v2PieceMap } from '../../../../shared/codec/v2-pieces';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { TorrentIdentity } from './identity';

const file = { path: ['x.bin'], length: 3, read: async () => new Uint8Array([1, 2, 3]) };
const hashers = { name: 'x.bin', sha1: subtleSha1, sha256: subtleSha256 };
const stats = { uploaded: 1, downloaded: 2, left: 3 };

function names(infoHashHex: string, extra: { infoHashV2?: string; length?: number } = {}) {
  return { infoHashHex, name: 'link name', trackers: ['wss://t.example'], ...extra };
}

describe('TorrentIdentity', () => {
  it("is known by its v1 hash alone until the info shows a hybrid's v2 hash", async () => {
    const { info } = await createAnyInfo([file], hashers);
    const v1 = info.v1!;
    const identity = new TorrentIdentity(names(v1.infoHashHex));
    expect(identity.alias()).toEqual({});
    expect(parseMagnet(identity.magnet(undefined), { v2: true }).infoHashV2).toBeUndefined();
    identity.learn(v1);
    expect(identity.infoHashV2).toEqual(info.v2!.infoHash);
    expect(identity.alias()).toEqual({ infoHashV2: toHex(info.v2!.infoHash) });
    const link = parseMagnet(identity.magnet(v1), { v2: true });
    expect(link.infoHashHex).toBe(v1.infoHashHex);
    expect(link.infoHashV2Hex).toBe(toHex(info.v2!.infoHash));
    expect(link.name).toBe('x.bin');
  });

  it('names the .torrent beside the first web seed’s files as the link’s exact source, once the info is known', async () => {
    const info = await createInfo([file], { name: 'x.bin', sha1: subtleSha1 });
    const webSeeds = ['https://f.example/share/', 'https://g.example/'];
    const identity = new TorrentIdentity({ ...names(info.infoHashHex), webSeeds });
    expect(parseMagnet(identity.magnet(undefined)).exactSource).toBeUndefined();
    const link = parseMagnet(identity.magnet(info));
    expect(link.exactSource).toBe('https://f.example/share/x.bin.torrent');
    expect(link.webSeeds).toEqual(webSeeds);
    const bare = new TorrentIdentity(names(info.infoHashHex));
    expect(parseMagnet(bare.magnet(info)).exactSource).toBeUndefined();
  });

  it('builds the torrent-active message with its trackers, stats and alias', async () => {
    const { info } = await createAnyInfo([file], hashers);
    const identity = new TorrentIdentity(names(info.v1!.infoHashHex));
    identity.learn(info.v1!);
    expect(identity.activeMessage(stats)).toEqual({
      type: 'torrent-active',
      infoHashHex: info.v1!.infoHashHex,
      trackers: ['wss://t.example'],
      stats,
      infoHashV2: toHex(info.v2!.infoHash),
    });
  });

  it('keeps a v1 torrent to its v1 hash', async () => {
    const v1 = await createInfo([file], { name: 'x.bin', sha1: subtleSha1 });
    const identity = new TorrentIdentity(names(v1.infoHashHex, { length: 3 }));
    identity.learn(v1);
    expect(identity.treeOnly).toBe(false);
    expect(identity.activeMessage(stats)).not.toHaveProperty('infoHashV2');
    expect(identity.magnet(undefined)).toBe(
      `magnet:?xt=urn:btih:${v1.infoHashHex}&dn=link%20name&xl=3&tr=wss%3A%2F%2Ft.example`,
    );
  });

  it('runs a btmh-only link by its v2 view, and names the v1 hash of a hybrid as its alias', async () => {
    const { info } = await createAnyInfo([file], hashers);
    const full = toHex(info.v2!.infoHash);
    const identity = new TorrentIdentity(names(full.slice(0, 40), { infoHashV2: full }));
    expect(identity.treeOnly).toBe(true);
    expect(parseMagnet(identity.magnet(undefined), { v2: true }).v2Only).toBe(true);
    identity.learn(v2PieceMap(info.v2!));
    expect(identity.alias()).toEqual({ infoHashV2: info.v1!.infoHashHex });
    const link = parseMagnet(identity.magnet(undefined), { v2: true });
    expect(link.infoHashHex).toBe(info.v1!.infoHashHex);
    expect(link.infoHashV2Hex).toBe(full);
  });

  it('is run by its v2 view when its info is a v2-only one', async () => {
    const { info } = await createAnyInfo([file], { ...hashers, version: 'v2' });
    const pieceMap = v2PieceMap(info.v2!);
    const identity = new TorrentIdentity(names(pieceMap.infoHashHex));
    identity.learn(pieceMap);
    expect(identity.treeOnly).toBe(true);
    expect(identity.alias()).toEqual({});
    expect(parseMagnet(identity.magnet(pieceMap), { v2: true }).v2Only).toBe(true);
  });
});
