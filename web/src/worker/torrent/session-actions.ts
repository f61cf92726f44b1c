// What the host does with its session's actions beyond moving bytes (engine-ports.ts, piece-io.ts): a piece stored,
// the metadata come, the piece layers known, the download complete. One object for the torrent's life, handed to
// the ports of each action.
import type { VerifiedPieces } from '../../../../shared/engine/verify/verified-pieces';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { AnnounceStats } from '../../lib/messages/protocol';
import type { BatchWriter } from '../storage/batch-writer';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import type { TorrentRecord } from '../storage/records';
import type { HostContext } from './context';
import type { PortsHost } from './engine-ports';
import type { PeerLinks } from './peer-links';
import type { HostLink, TorrentParts } from './parts';
import type { StreamSteering } from './streams/steering';
import type { Totals } from './totals';
import { WebSeedFetcher } from '../../net/web-seed-fetch';

export class SessionActions implements PortsHost {
  readonly infoHashHex: string;
  readonly peers: PeerLinks;
  readonly writer: BatchWriter;
  readonly pieces: PieceStorage;
  readonly keep: WeakSet<ArrayBufferLike>;
  readonly totals: Totals;
  readonly steering: StreamSteering;
  /** Web seed requests, made by the client's transport; the page's protocol decides whether an http:// seed may be
   * used. */
  readonly webSeeds: WebSeedFetcher;
  private firstShown = false;

  constructor(
    readonly ctx: HostContext,
    private readonly record: TorrentRecord,
    private readonly parts: TorrentParts,
    private readonly host: HostLink,
  ) {
    this.infoHashHex = parts.identity.infoHashHex;
    this.peers = parts.peers;
    this.writer = ctx.writer;
    this.pieces = parts.pieces;
    this.keep = ctx.keep;
    this.totals = parts.totals;
    this.steering = parts.steering;
    this.webSeeds = new WebSeedFetcher(globalThis.location?.protocol, ctx.seedTransport);
  }

  paused(): boolean {
    return this.record.paused;
  }

  announceStats(): AnnounceStats {
    return this.parts.reports.announceStats();
  }

  verified(): VerifiedPieces | undefined {
    return this.parts.verified;
  }

  firstPieceShown(): boolean {
    return this.firstShown;
  }

  persistTotals(): void {
    this.parts.writes.persistTotals();
  }

  feed(...event: Parameters<HostLink['feed']>): void {
    this.host.feed(...event);
  }

  fail(reason: string): void {
    this.host.fail(reason);
  }

  failShared(error: unknown): boolean {
    return this.parts.failShared(error);
  }

  pieceStored(index: number): void {
    // The session records it from the store's answer (`stored`); a session that has stopped no longer records: the
    // piece is in the store all the same.
    if (this.host.halted()) this.parts.verified?.add(index);
    this.parts.privateShare.checkManifest();
    // The torrent's first piece is shown at once: the user sees the download begin.
    if (!this.firstShown) {
      this.firstShown = true;
      this.ctx.milestone?.();
    }
  }

  metadata(info: TorrentInfo): void {
    const { parts, ctx, record } = this;
    parts.setInfo(info, this.host.session()?.verified);
    parts.prepareStore();
    if (parts.identity.infoHashV2)
      void parts.v2.learn(info, { sha1: ctx.sha1, sha256: ctx.sha256, nodeHash: ctx.nodeHash });
    // A btmh-only link's torrent that turned out hybrid: its tracker clients name the v1 hash as its alias now.
    if (parts.identity.alias().infoHashV2 && !record.paused && !this.host.halted())
      this.parts.reports.postActive();
    record.name = info.name;
    record.infoBytes = info.infoBytes.slice().buffer;
    void parts.offered.persistLayout();
    // The files are known now: a magnet's `so` selection, or an earlier choice, applies (after this action).
    queueMicrotask(() => {
      parts.applyFileChoice();
      parts.privateShare.checkManifest();
    });
    ctx.milestone?.();
  }

  layersKnown(): void {
    this.parts.keepLayers();
  }

  complete(): void {
    this.record.completedAt ??= Date.now();
    this.parts.keepLayers();
    void this.parts.persist(false);
    this.ctx.milestone?.();
  }
}
