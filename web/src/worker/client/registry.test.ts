import { describe, expect, it } from 'vitest';
import type { TorrentView } from '../../lib/messages/protocol';
import type { TorrentHost } from '../torrent/host';
import { TorrentRegistry } from './registry';
import type { ShareProgress } from './share-progress';

const V1 = 'a'.repeat(40);
const V2 = 'b'.repeat(64);

/** A host as the registry sees it: its hashes and its view. */
function fakeHost(infoHashHex: string, v2Hex?: string): TorrentHost {
  const infoHashV2 = v2Hex
    ? Uint8Array.from(v2Hex.match(/../g)!.map((byte) => parseInt(byte, 16)))
    : undefined;
  return {
    infoHashHex,
    infoHashV2,
    view: (now: number) => ({ infoHashHex, name: `at ${now}` }) as TorrentView,
  } as unknown as TorrentHost;
}

const share = (requestId: number): ShareProgress => ({
  requestId,
  name: `share ${requestId}`,
  trackers: [],
  total: 10,
  hashed: 5,
  addedAt: 1,
  cancelled: false,
});

describe('TorrentRegistry', () => {
  it('finds a torrent by its v1 hash, and a hybrid by its v2 hash', () => {
    const registry = new TorrentRegistry();
    const hybrid = fakeHost(V1, V2);
    registry.add(V1, hybrid);
    expect(registry.get(V1)).toBe(hybrid);
    expect(registry.has(V1)).toBe(true);
    expect(registry.find('c'.repeat(40), V2)).toBe(hybrid);
    expect(registry.find('c'.repeat(40), 'd'.repeat(64))).toBeUndefined();
    expect(registry.find('c'.repeat(40))).toBeUndefined();
    registry.delete(V1);
    expect(registry.has(V1)).toBe(false);
    expect([...registry.all()]).toEqual([]);
  });

  it('lists the shares in progress first, then the torrents in the order they were added', () => {
    const registry = new TorrentRegistry();
    registry.add('2'.repeat(40), fakeHost('2'.repeat(40)));
    registry.add('1'.repeat(40), fakeHost('1'.repeat(40)));
    const key = registry.beginShare(share(7));
    expect(key).toBe('hashing-7');
    const views = registry.views(42);
    expect(views.map((view) => view.infoHashHex)).toEqual(['hashing-7', '2'.repeat(40), '1'.repeat(40)]);
    expect(views[0]).toMatchObject({ name: 'share 7', hashing: 0.5 });
    expect(views[1].name).toBe('at 42');
    registry.endShare(key);
    expect(registry.views(0).map((view) => view.infoHashHex)).toEqual(['2'.repeat(40), '1'.repeat(40)]);
  });

  it('cancels a share in progress by its key', () => {
    const registry = new TorrentRegistry();
    const progress = share(8);
    const key = registry.beginShare(progress);
    expect(registry.cancelShare('hashing-9')).toBe(false);
    expect(progress.cancelled).toBe(false);
    expect(registry.cancelShare(key)).toBe(true);
    expect(progress.cancelled).toBe(true);
  });
});
