// The rooms of one torrent, made and wired together: its names, totals, tracker reports, record writes, file choice,
// stream steering, peers, v2 view, private-share state, offered files and shared-file watch, over its info and
// verified pieces. The host drives them; each reaches the host only through the few calls of HostLink.
import type { Bitfield } from '../../../../shared/codec/bitfield';
import type {
  EngineEvent,
  Session,
  SessionOptions,
  V2Options,
} from '../../../../shared/engine/contract/engine-types';
import { fromHex } from '../../../../shared/codec/magnet';
import { VerifiedPieces } from '../../../../shared/engine/verify/verified-pieces';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import type { TorrentRecord } from '../storage/records';
import type { HostContext } from './context';
import { FileChoice } from './file-choice';
import { TorrentIdentity } from './identity';
import type { Failure } from './lifecycle';
import { OfferedFiles } from './offered-files';
import { PeerLinks } from './peer-links';
import { PrivateShareState } from './private-state';
import { RecordWrites } from './record-writes';
import { sharedFailure, SharedFilesWatch } from './shared-watch';
import { StallWatch, unfinishedFiles } from './stall';
import { TimeLeftWatch } from './time-left';
import { StreamSteering } from './streams/steering';
import { Totals } from './totals';
import { TrackerReports } from './tracker-reports';
import { V2View } from './v2-view';
import type { ViewState } from './view';

/** What the rooms ask of the host. */
export interface HostLink {
  /** An event for the session (dropped unless it runs). */
  feed(event: EngineEvent): void;
  /** Puts the torrent in the error state (`needsPermission`: see Failure). */
  fail(reason: string, needsPermission?: boolean): void;
  /** The current session, stopped or not. */
  session(): Session | undefined;
  /** The session while it runs (neither halted nor removed). */
  live(): Session | undefined;
  halted(): boolean;
  removed(): boolean;
  failed(): boolean;
}

/** What a torrent is made from: its info and verified pieces when known, its v2 view, and whether it was joined by a
 * hybrid's magnet link (its sessions announce v2 before the info is known). */
export interface PartsStart {
  info: TorrentInfo | undefined;
  stored: Bitfield | undefined;
  v2?: V2Options;
  hybridLink?: boolean;
}

export class TorrentParts {
  readonly identity: TorrentIdentity;
  readonly pieces: PieceStorage;
  readonly totals: Totals;
  readonly choice: FileChoice;
  readonly steering: StreamSteering;
  readonly peers: PeerLinks;
  readonly v2: V2View;
  readonly privateShare: PrivateShareState;
  readonly offered: OfferedFiles;
  readonly shared: SharedFilesWatch;
  readonly reports: TrackerReports;
  readonly writes: RecordWrites;
  private known: TorrentInfo | undefined;
  /** The torrent's peer id in its sessions' handshakes, kept while the tab runs (a session that restarts keeps it, so
   * the engine still knows its own connections). */
  private readonly peerId: Uint8Array;
  /** Pieces confirmed in the store (what a reload resumes from): the owner that the session records them in (shared
   * with it, not a copy), or what a new session starts from while there is none. */
  private owner: VerifiedPieces | undefined;
  /** Whether nobody connected has the missing pieces, and since when. */
  private readonly stall = new StallWatch();
  private readonly timeLeft = new TimeLeftWatch();

  constructor(
    private readonly ctx: HostContext,
    private readonly record: TorrentRecord,
    start: PartsStart,
    private readonly host: HostLink,
  ) {
    const { info, stored } = start;
    this.peerId = ctx.newPeerId();
    this.identity = new TorrentIdentity(record);
    this.peers = new PeerLinks();
    this.pieces = ctx.pieces(record, info);
    this.totals = new Totals(record, () => host.session(), ctx.clock);
    this.writes = new RecordWrites(record, this.totals, { writer: ctx.writer, ...host });
    this.reports = new TrackerReports(this.identity, this.totals, {
      ...host,
      post: ctx.post,
      clock: ctx.clock,
      info: () => this.known,
      storedBytes: () => this.storedBytes(),
    });
    this.choice = new FileChoice(record, () => void this.persist(false));
    this.steering = this.makeSteering();
    this.v2 = new V2View(start.v2, start.hybridLink ?? false);
    this.privateShare = this.makePrivateShare();
    this.offered = this.makeOfferedFiles(info);
    this.shared = new SharedFilesWatch(this.pieces, ctx.clock);
    if (info) this.setInfo(info, stored);
  }

  get info(): TorrentInfo | undefined {
    return this.known;
  }

  get verified(): VerifiedPieces | undefined {
    return this.owner;
  }

  /** The info is known (given, or the metadata came): `stored` is what is verified of it. */
  setInfo(info: TorrentInfo, stored: Bitfield | VerifiedPieces | undefined): void {
    this.known = info;
    if (stored instanceof VerifiedPieces) this.owner = stored;
    else this.owner = new VerifiedPieces(info, stored?.length === info.pieceCount ? stored : undefined);
    this.ctx.keep.add(info.infoBytes.buffer);
    this.ctx.keep.add(info.pieces.buffer);
    this.identity.learn(info);
  }

  /** The torrent's timers beside the session's: piece layers that came after the last piece, a look at the shared
   * files, and the totals when they are due. */
  tick(): void {
    const { record, known } = this;
    if (record.completedAt !== undefined) this.keepLayers();
    if (record.sharedFiles && known && this.host.live() && !record.paused)
      this.shared.tick(known, (error) => this.failShared(error));
    if (this.totals.due()) this.writes.persistTotals();
  }

  /** A key from a share link for a torrent already here (private-state.ts): true when it was taken (the record with
   * it is written, and its files wait for the manifest it opens). */
  setKey(key: string): boolean {
    if (!this.privateShare.setKey(key)) return false;
    this.offered.withdraw();
    void this.persist(true);
    return true;
  }

  /** `Resume sharing`: checks every shared file again, and runs from the pieces they hold; the failure otherwise. */
  async recheckShared(info: TorrentInfo): Promise<Failure | undefined> {
    const checked = await this.shared.recheck(info);
    if ('failure' in checked) return checked.failure;
    this.owner = checked.verified;
    return undefined;
  }

  /** Stops on a shared file's failure (shared-watch.ts); false for any other error. */
  failShared(error: unknown): boolean {
    const failure = sharedFailure(error);
    if (failure) this.host.fail(failure.reason, failure.needsPermission);
    return failure !== undefined;
  }

  /** A new session's options: from the verified pieces, with the v2 view when known (v2-view.ts); a btmh-only link's
   * joins by the truncated v2 hash and checks the metadata against the full one. */
  sessionOptions(): SessionOptions {
    const { ctx, known, record } = this;
    return {
      infoHash: this.identity.infoHash,
      peerId: this.peerId,
      info: known,
      have: this.verified,
      ...this.v2.sessionOption(known),
      ...(record.infoHashV2 && !known ? { infoHashV2: fromHex(record.infoHashV2) } : {}),
      ...(record.webSeeds ? { webSeeds: record.webSeeds, webSeedBudget: record.webSeedBudget } : {}),
      random: ctx.random,
      now: ctx.clock(),
      // Every piece store here copies the bytes before it answers (a write through a synchronous access handle, or
      // IndexedDB's clone of a value), and what else gets a piece copies it at once (the service worker's channel,
      // the fragment watch): a web seed's piece buffers are used again (download/piece-pool.ts).
      config: { reusePieceBuffers: true },
    };
  }

  /** Writes the record (batched with the pieces); false when it was not. `critical`: a failure fails the torrent. */
  persist(critical: boolean): Promise<boolean> {
    return this.writes.persist(critical);
  }

  /** A download's store gets ready for its first piece (a seed's reads open it as they come). */
  prepareStore(): void {
    if (this.known && (this.verified?.count ?? 0) < this.known.pieceCount) this.pieces.prepare?.();
  }

  /** Tells the session which files to fetch (once the info is known), the start and end of its playable files
   * first (streams/play-start.ts). */
  applyFileChoice(): void {
    const info = this.known;
    if (!info || !this.host.session()) return;
    this.steering.earlyPieces(info, this.record.private !== undefined);
    const priorities = this.choice.priorities(info);
    if (priorities) this.host.feed({ type: 'file-priorities', priorities });
  }

  /** Keeps the piece layers the session learned from peers (v2-view.ts). */
  keepLayers(): void {
    this.v2.keepLayers(this.host.session(), this.identity.infoHashHex, this.ctx.writer);
  }

  /** Bytes of the torrent in verified pieces. */
  storedBytes(): number {
    return this.known ? (this.verified?.bytes() ?? 0) : 0;
  }

  /** What the view is made from (view.ts). */
  viewState(life: { failure: Readonly<Failure> | undefined; halted: boolean }, now: number): ViewState {
    const info = this.known;
    const files = info && this.offered.offered ? this.offered.files() : [];
    const complete = files.map((file, index) => !file.pad && this.offered.fileComplete(index));
    return {
      infoHashHex: this.identity.infoHashHex,
      record: this.record,
      info,
      stats: this.totals.stats,
      have: this.verified?.count ?? 0,
      failure: life.failure,
      halted: life.halted,
      magnet: this.identity.magnet(info),
      progress: this.choice.progress(this.totals.stats, this.verified),
      totals: {
        downloaded: this.totals.downloaded(),
        uploaded: this.totals.uploaded(),
        left: this.totals.left(info, this.storedBytes()),
      },
      files,
      complete,
      paths: this.peers.paths,
      unreachable: this.peers.unreachable,
      timeLeft: this.timeLeft.shown(life.halted ? undefined : this.totals.stats, now),
      stalled: this.stall.words(
        life.halted ? undefined : this.totals.stats,
        now,
        unfinishedFiles(files, complete, this.record.skippedFiles),
      ),
    };
  }

  private makeSteering(): StreamSteering {
    const { ctx } = this;
    const give = ctx.pieceForStream;
    const infoHashHex = this.identity.infoHashHex;
    return new StreamSteering({
      feed: (event) => this.host.feed(event),
      clock: ctx.clock,
      writer: ctx.writer,
      info: () => this.known,
      verified: () => this.verified,
      readPieces: (indices) => this.pieces.readPieces(indices),
      isPrivate: () => this.record.private !== undefined,
      playStarted: () => {
        // The player's first request need not read the record from IndexedDB (one read in place is read there).
        const { storageId, infoBytes, sharedFiles } = this.record;
        if (infoBytes && !sharedFiles) ctx.torrentKnown?.(infoHashHex, storageId, infoBytes);
      },
      ...(give ? { pieceForStream: (index, data) => give(infoHashHex, index, data) } : {}),
    });
  }

  private makePrivateShare(): PrivateShareState {
    return new PrivateShareState(this.record, {
      info: () => this.known,
      verified: () => this.verified,
      readPieces: (indices) => this.pieces.readPieces(indices),
      want: (pieces) => this.steering.want(pieces, false),
      manifestFound: () => void this.offered.persistLayout(),
      fail: (reason) => this.host.fail(reason),
      removed: () => this.host.removed(),
      failed: () => this.host.failed(),
    });
  }

  private makeOfferedFiles(info: TorrentInfo | undefined): OfferedFiles {
    return new OfferedFiles(this.record, info, {
      info: () => this.known,
      verified: () => this.verified,
      privateLayout: () => this.privateShare.layout(),
      persist: () => this.persist(true),
      hurry: () => this.ctx.writer.hurry(),
      removed: () => this.host.removed(),
      milestone: () => this.ctx.milestone?.(),
    });
  }
}
