// Every torrent of the tab by its info hash, and the shares still being hashed, in the order the page lists them.
import { toHex } from '../../../../shared/codec/magnet';
import type { TorrentView } from '../../lib/messages/protocol';
import type { TorrentHost } from '../torrent/host';
import { SHARE_ID_PREFIX, shareView, type ShareProgress } from './share-progress';

export class TorrentRegistry {
  private readonly hosts = new Map<string, TorrentHost>();
  private readonly shares = new Map<string, ShareProgress>();

  get(infoHashHex: string): TorrentHost | undefined {
    return this.hosts.get(infoHashHex);
  }

  has(infoHashHex: string): boolean {
    return this.hosts.has(infoHashHex);
  }

  add(infoHashHex: string, host: TorrentHost): void {
    this.hosts.set(infoHashHex, host);
  }

  delete(infoHashHex: string): void {
    this.hosts.delete(infoHashHex);
  }

  all(): IterableIterator<TorrentHost> {
    return this.hosts.values();
  }

  /** The torrent listed under a v1 hash, or the hybrid whose v2 hash (64 hex) is `v2Hex`. */
  find(infoHashHex: string, v2Hex?: string): TorrentHost | undefined {
    return (
      this.hosts.get(infoHashHex) ??
      [...this.hosts.values()].find((host) => v2Hex && host.infoHashV2 && toHex(host.infoHashV2) === v2Hex)
    );
  }

  /** Lists a share in progress under `hashing-<requestId>`; returns that key. */
  beginShare(progress: ShareProgress): string {
    const key = SHARE_ID_PREFIX + progress.requestId;
    this.shares.set(key, progress);
    return key;
  }

  endShare(key: string): void {
    this.shares.delete(key);
  }

  /** Marks the share listed under `key` cancelled (its hashing stops at its next read); false if there is none. */
  cancelShare(key: string): boolean {
    const share = this.shares.get(key);
    if (share) share.cancelled = true;
    return share !== undefined;
  }

  /** Every view the page lists: the shares in progress first, then the torrents in the order they were added. */
  views(now: number): TorrentView[] {
    const views: TorrentView[] = [];
    for (const [key, share] of this.shares) views.push(shareView(key, share));
    for (const host of this.hosts.values()) views.push(host.view(now));
    return views;
  }
}
