// A torrent's names: its info hashes (v1, and a hybrid's v2 one), its magnet link, the alias its tracker clients
// announce beside it, and the `torrent-active` message that starts them.
import { formatMagnet, fromHex } from '../../../../shared/codec/magnet';
import { torrentFileBeside } from '../../../../shared/codec/web-seeds';
import { toHex } from '../../../../shared/codec/hex';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import { isTreeOnly } from '../../../../shared/codec/v2-pieces';
import type { AnnounceStats, WorkerToMain } from '../../lib/messages/protocol';
import type { TorrentRecord } from '../storage/records';
import { v1InfoHash, v2InfoHash } from '../v2/v2-hash';

type Names = Pick<TorrentRecord, 'infoHashHex' | 'infoHashV2' | 'name' | 'trackers' | 'length' | 'webSeeds'>;

interface MagnetHashes {
  infoHash?: Uint8Array;
  infoHashV2?: Uint8Array;
  v2Only?: boolean;
}

export class TorrentIdentity {
  /** The hash the engine and the tracker know the torrent by. */
  readonly infoHashHex: string;
  readonly infoHash: Uint8Array;
  /** A hybrid's v2 info hash (SHA-256), for its magnet link; the engine and the tracker use the v1 one (except for
   * a torrent run by its v2 view: a v2-only one, or one added by a btmh-only magnet link). */
  private v2Hash: Uint8Array | undefined;
  /** A torrent run by its v2 view (known by its truncated v2 hash): its v1 hash when it is a hybrid. */
  private v1Hash: Uint8Array | undefined;
  private treeOnlyInfo = false;

  constructor(private readonly record: Names) {
    this.infoHashHex = record.infoHashHex;
    this.infoHash = fromHex(record.infoHashHex);
  }

  get infoHashV2(): Uint8Array | undefined {
    return this.v2Hash;
  }

  /** The info is known: its hashes are read from its bytes. */
  learn(info: TorrentInfo): void {
    this.treeOnlyInfo = isTreeOnly(info);
    try {
      this.v2Hash = v2InfoHash(info.infoBytes);
      this.v1Hash = this.treeOnlyInfo ? v1InfoHash(info.infoBytes) : undefined;
    } catch {
      this.v2Hash = undefined; // the v1 view was parsed: the magnet link then carries the v1 hash alone
    }
  }

  /** Run by its v2 view: known by the truncated v2 hash (v2-only, or added by a btmh-only magnet link). */
  get treeOnly(): boolean {
    return this.record.infoHashV2 !== undefined || this.treeOnlyInfo;
  }

  /** A hybrid's other hash for `torrent-active`: its tracker clients announce both hashes as one swarm (the v2 one,
   * or the v1 one when the torrent runs by its truncated v2 hash). */
  alias(): { infoHashV2?: string } {
    if (this.treeOnly) return this.v1Hash ? { infoHashV2: toHex(this.v1Hash) } : {};
    return this.v2Hash ? { infoHashV2: toHex(this.v2Hash) } : {};
  }

  /** Starts the torrent's tracker clients on the main thread, under its hash and its alias. */
  activeMessage(stats: AnnounceStats): WorkerToMain {
    return {
      type: 'torrent-active',
      infoHashHex: this.infoHashHex,
      trackers: [...this.record.trackers],
      stats,
      ...this.alias(),
    };
  }

  /** Its magnet link: the hashes it has, its name and trackers, and its length when known; with web seeds, the
   * .torrent beside the first one's files as its exact source, so the link starts with no peer online. */
  magnet(info: TorrentInfo | undefined): string {
    const seed = this.record.webSeeds?.[0];
    const exactSource = info && seed !== undefined ? torrentFileBeside(seed, info) : undefined;
    return formatMagnet({
      ...this.magnetHashes(),
      name: info?.name ?? this.record.name,
      trackers: this.record.trackers,
      length: info?.length ?? this.record.length,
      webSeeds: this.record.webSeeds,
      ...(exactSource !== undefined ? { exactSource } : {}),
    });
  }

  /** The hashes its magnet link carries: btih (v1) and btmh (v2) as the torrent has them. */
  private magnetHashes(): MagnetHashes {
    const v2 = this.v2Hash ?? (this.record.infoHashV2 ? fromHex(this.record.infoHashV2) : undefined);
    if (!this.treeOnly) return { infoHash: this.infoHash, ...(v2 ? { infoHashV2: v2 } : {}) };
    return this.v1Hash ? { infoHash: this.v1Hash, infoHashV2: v2 } : { infoHashV2: v2, v2Only: true };
  }
}
