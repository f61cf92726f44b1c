// One torrent in the worker: drives its TorrentSession (events in, actions out through the engine ports) and keeps
// where it is in its life as one state value. A failure here puts this torrent in the error state and leaves every
// other torrent alone. Its other jobs live beside it, each in its own room: names (identity.ts), totals, the file
// choice, stream steering (streams/), a private share's state, the shared files' watch, and the view.
import type { Bitfield } from '../../../../shared/bitfield';
import { executeAction } from '../../../../shared/engine/executor';
import type { EngineAction, EngineEvent, Session, V2Options } from '../../../../shared/engine/types';
import { fromHex } from '../../../../shared/magnet';
import type { FileEntry, TorrentInfo } from '../../../../shared/metainfo';
import { WRONG_KEY_MESSAGE } from '../../../../shared/private-share';
import type { PlaybackPosition } from '../../lib/actions';
import type { PrivateFiles } from '../../lib/private-files';
import type { AnnounceStats, PeerPath, TorrentView } from '../../lib/protocol';
import { storageErrorReason } from '../../lib/storage';
import type { PieceStorage } from '../piece-storage';
import { recordEntry, type TorrentRecord } from '../records';
import type { HostContext } from './context';
import { enginePorts } from './engine-ports';
import { engineError } from './errors';
import { Lifecycle } from './lifecycle';
import { TorrentParts } from './parts';
import { SessionActions, type ActionHost } from './session-actions';
import { sharedFailure } from './shared-watch';
import { torrentView } from './view';

export class TorrentHost {
  private readonly lifecycle = new Lifecycle();
  private readonly rooms: TorrentParts;
  private readonly actions: SessionActions;
  private queue: EngineEvent[] = [];
  private draining = false;
  /** Bumped when the session is replaced: late results for the old one are dropped. */
  private generation = 0;
  /** The page's words for why no peer can be reached, while that holds. */
  private unreachable: string | undefined;

  constructor(
    private readonly ctx: HostContext,
    readonly record: TorrentRecord,
    info: TorrentInfo | undefined,
    stored: Bitfield | undefined,
    v2?: V2Options,
    /** Joined by a hybrid's magnet link (btih and btmh): its sessions announce v2 before the info is known. */
    options: { hybridLink?: boolean } = {},
  ) {
    const link = this.link();
    this.rooms = new TorrentParts(
      ctx,
      record,
      info,
      { view: v2, hybridLink: options.hybridLink ?? false },
      link,
    );
    this.actions = new SessionActions(ctx, record, this.rooms, link);
    if (info) this.rooms.setInfo(info, stored);
  }

  get infoHashHex(): string {
    return this.rooms.identity.infoHashHex;
  }
  get info(): TorrentInfo | undefined {
    return this.rooms.info;
  }
  /** A hybrid's v2 info hash, once its info is known. */
  get infoHashV2(): Uint8Array | undefined {
    return this.rooms.identity.infoHashV2;
  }
  /** A hybrid's v2 view and known piece layers (see v2-view.ts). */
  get v2(): V2Options | undefined {
    return this.rooms.v2.options;
  }
  get pieces(): PieceStorage {
    return this.rooms.pieces;
  }
  get error(): string | undefined {
    return this.lifecycle.failure?.reason;
  }
  get needsPermission(): boolean {
    return this.lifecycle.failure?.needsPermission ?? false;
  }
  get removed(): boolean {
    return this.lifecycle.removed;
  }
  get active(): boolean {
    return this.lifecycle.live !== undefined && !this.record.paused;
  }

  /** Creates the session; an unpaused torrent becomes active (the main thread starts its tracker clients). */
  start(): void {
    this.generation++;
    this.queue = [];
    const { info, identity, v2 } = this.rooms;
    let session: Session;
    try {
      session = this.ctx.createSession({
        infoHash: identity.infoHash,
        peerId: this.ctx.peerId,
        info,
        have: this.rooms.verified,
        ...v2.sessionOption(info),
        ...(this.record.infoHashV2 && !info ? { infoHashV2: fromHex(this.record.infoHashV2) } : {}),
        random: this.ctx.random,
        now: this.ctx.clock(),
      });
    } catch (error) {
      return this.lifecycle.startFailed(engineError(error));
    }
    this.lifecycle.started(session);
    this.rooms.totals.sessionStarted();
    this.rooms.applyFileChoice();
    this.rooms.privateShare.checkManifest();
    if (this.record.paused) return this.feed({ type: 'pause' });
    this.rooms.prepareStore();
    this.postActive();
    // The session's first event yields `announce started` and `want-peers`.
    this.feed({ type: 'tick' });
  }

  // --- events from the main thread ---

  peerConnected(peer: string, identities: string[] = []): void {
    if (!this.lifecycle.live) {
      this.ctx.post({ type: 'close', infoHashHex: this.infoHashHex, peer, reason: 'torrent not active' });
      return;
    }
    this.rooms.peers.add(peer);
    this.feed({ type: 'peer-connected', peer, identities });
  }
  peerData(peer: string, data: ArrayBuffer): void {
    if (!this.rooms.peers.has(peer)) return; // late bytes of a connection we already closed
    this.feed({ type: 'peer-data', peer, data: new Uint8Array(data) });
  }
  peerBacklog(peer: string, backlogged: boolean): void {
    if (this.rooms.peers.has(peer)) this.feed({ type: 'peer-backlog', peer, backlogged });
  }
  /** What the torrent's connections hold that has not left (upload-queue-report.ts): the engine paces to it. */
  uploadQueue(bytes: number): void {
    if (this.lifecycle.session) this.feed({ type: 'upload-queue', bytes });
  }
  peerClosed(peer: string): void {
    if (this.rooms.peers.delete(peer)) this.feed({ type: 'peer-closed', peer });
  }
  /** The page read the connection's path (direct or through a relay). */
  peerPath(peer: string, path: PeerPath): void {
    this.rooms.peers.setPath(peer, path);
  }
  /** The page's diagnosis of the connection attempts (undefined: nothing to say). */
  setReachability(problem: string | undefined): void {
    this.unreachable = problem;
  }

  tick(): void {
    this.feed({ type: 'tick' });
    if (this.record.completedAt !== undefined) this.rooms.keepLayers(); // layers that came after the last piece
    if (this.record.sharedFiles && this.info && this.active)
      this.rooms.shared.tick(this.info, (error) => this.failShared(error));
    if (this.rooms.totals.due() && !this.removed) void this.rooms.totals.write(this.ctx.writer);
  }

  /** `Resume sharing` (after the page asked the browser for permission again): checks the shared files, then runs
   * the torrent from them; a file still unreadable or changed keeps the torrent in the error state with the reason. */
  async resumeShared(): Promise<void> {
    if (!this.record.sharedFiles || !this.info || this.removed) return;
    const checked = await this.rooms.shared.recheck(this.info);
    if ('failure' in checked) return this.lifecycle.replaceFailure(checked.failure);
    this.rooms.verified = checked.verified;
    this.lifecycle.permissionNeeded('', false);
    this.record.paused = false;
    this.resume();
  }

  /** Downloads only the files not in `skipped` (remembered with the torrent). A private share's files are not the
   * torrent's (one file of ciphertext): it is fetched whole. */
  chooseFiles(skipped: number[]): void {
    if (this.removed || this.record.private) return;
    this.rooms.choice.choose(skipped, this.info?.files.length ?? Infinity);
    this.rooms.applyFileChoice();
  }
  /** A stream needs these pieces (streams/steering.ts). */
  wantPieces(pieces: number[], seek: boolean, behind = false): void {
    this.rooms.steering.want(pieces, seek, behind);
  }
  /** A player of file `fileIndex` is at `position` (null: it closed). */
  playback(fileIndex: number, position: PlaybackPosition | null): void {
    this.rooms.steering.playback(fileIndex, position);
  }
  /** `Play` was pressed on a file. A private share's files lie over its records: its service worker's wishes steer
   * alone. The player's first request need not read the record from IndexedDB (one read in place is read there). */
  playStarting(fileIndex: number): void {
    if (this.record.private || !this.rooms.steering.playStarting(fileIndex)) return;
    const { storageId, infoBytes, sharedFiles } = this.record;
    if (infoBytes && !sharedFiles) this.ctx.torrentKnown?.(this.infoHashHex, storageId, infoBytes);
  }

  pause(): void {
    if (this.record.paused || this.removed) return;
    this.record.paused = true;
    void this.persist(false);
    if (this.lifecycle.halted) return;
    this.feed({ type: 'pause' });
    this.ctx.post({ type: 'torrent-inactive', infoHashHex: this.infoHashHex, stats: this.announceStats() });
  }

  resume(): void {
    if (this.removed) return;
    const wasPaused = this.record.paused;
    this.record.paused = false;
    if (wasPaused) void this.persist(false);
    if (this.lifecycle.halted || !this.lifecycle.session) {
      // After an error: a fresh session from the verified pieces.
      this.rooms.totals.carryOver();
      return this.start();
    }
    if (!wasPaused) return;
    this.feed({ type: 'resume' });
    this.postActive();
  }

  /** Stops for good (page unload, or before `remove`): announces stopped, closes every peer. */
  stop(): void {
    if (this.lifecycle.live) {
      this.queue = [];
      this.feed({ type: 'stop' });
    }
    this.halt();
  }

  /** Removed by the user: stops, and nothing it does afterwards lands (its storage is being deleted). */
  remove(): void {
    this.stop();
    this.lifecycle.remove();
  }

  /** Puts this torrent in the error state: stops its session, keeps what is stored. `needsPermission`: the browser
   * must be asked again to read its shared files (`Resume sharing`). */
  fail(reason: string, needsPermission = false): void {
    const failed = this.lifecycle.fail(reason);
    if (needsPermission) this.lifecycle.permissionNeeded(reason, true);
    if (!failed || !this.lifecycle.live) return;
    this.queue = [{ type: 'stop' }];
    this.lifecycle.stop();
    this.drain();
  }

  /** Writes the record (batched with the pieces); false when it was not. `critical`: a failure fails the torrent. */
  async persist(critical: boolean): Promise<boolean> {
    if (this.removed) return false;
    this.rooms.totals.count();
    const [key, value] = recordEntry(this.record);
    try {
      await this.ctx.writer.put(key, value);
      return true;
    } catch (error) {
      if (critical) this.fail(storageErrorReason(error));
      return false;
    }
  }

  uploaded(): number {
    return this.rooms.totals.uploaded();
  }
  downloaded(): number {
    return this.rooms.totals.downloaded();
  }
  announceStats(): AnnounceStats {
    this.refreshStats();
    return this.rooms.totals.announce(this.info, this.rooms.storedBytes());
  }

  /** The files the user sees: a private share's real ones (none before its manifest is known), else the info's. */
  files(): FileEntry[] {
    return this.rooms.offered.files();
  }
  /** A private share's decryption of its pieces (for Save without a service worker); undefined for others. */
  privateFiles(): Promise<PrivateFiles | undefined> {
    return this.rooms.privateShare.files();
  }
  /** Whether every piece holding bytes of file `fileIndex` is stored (an empty file is complete at once). */
  fileComplete(fileIndex: number): boolean {
    return this.rooms.offered.fileComplete(fileIndex);
  }

  /** A key from a share link (private-state.ts); a torrent stopped by a wrong key starts again with this one. */
  setKey(key: string): void {
    if (this.removed || !this.rooms.privateShare.setKey(key)) return;
    this.rooms.offered.withdraw();
    void this.persist(true);
    if (this.error === WRONG_KEY_MESSAGE) this.resume();
    else this.rooms.privateShare.checkManifest();
  }

  view(now: number): TorrentView {
    this.refreshStats(now);
    return torrentView(this.rooms.viewState(this.lifecycle, this.unreachable));
  }

  // --- the session loop ---

  private feed(event: EngineEvent): void {
    if (!this.lifecycle.live) return;
    this.queue.push(event);
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (
        let session = this.lifecycle.live;
        session && this.queue.length > 0;
        session = this.lifecycle.live
      ) {
        const event = this.queue.shift() as EngineEvent;
        let actions: EngineAction[];
        try {
          actions = session.handle(event, this.ctx.clock());
        } catch (error) {
          if (event.type === 'stop') {
            this.queue = [];
            break;
          }
          this.fail(engineError(error));
          continue;
        }
        for (const action of actions) this.act(action);
      }
    } finally {
      this.draining = false;
    }
    if (this.lifecycle.stopping) this.halt();
  }

  private halt(): void {
    if (!this.lifecycle.halt()) return;
    this.queue = [];
    const reason = this.error ?? 'torrent stopped';
    for (const peer of this.rooms.peers.clear())
      this.ctx.post({ type: 'close', infoHashHex: this.infoHashHex, peer, reason });
    this.ctx.post({ type: 'torrent-inactive', infoHashHex: this.infoHashHex, stats: this.announceStats() });
  }

  private refreshStats(now = this.ctx.clock()): void {
    const session = this.lifecycle.live;
    if (!session) return;
    try {
      this.rooms.totals.refresh(session, now);
    } catch (error) {
      this.fail(engineError(error));
    }
  }

  private postActive(): void {
    this.ctx.post(this.rooms.identity.activeMessage(this.announceStats()));
  }

  /** Stops on a shared file's failure (SharedFileError); false for any other error. */
  private failShared(error: unknown): boolean {
    const failure = sharedFailure(error);
    if (!failure) return false;
    this.fail(failure.reason);
    this.lifecycle.permissionNeeded(failure.reason, failure.needsPermission);
    return true;
  }

  /** What the host's rooms and its session's actions may ask of it. */
  private link(): ActionHost {
    return {
      feed: (event) => this.feed(event),
      fail: (reason) => this.fail(reason),
      persist: (critical) => this.persist(critical),
      session: () => this.lifecycle.session,
      removed: () => this.removed,
      failed: () => this.error !== undefined,
      announceStats: () => this.announceStats(),
      halted: () => this.lifecycle.halted,
      postActive: () => this.postActive(),
      failShared: (error) => this.failShared(error),
      persistTotals: () => {
        if (!this.removed) void this.rooms.totals.write(this.ctx.writer);
      },
    };
  }

  private act(action: EngineAction): void {
    const generation = this.generation;
    const current = () => generation === this.generation && !this.removed;
    executeAction(action, enginePorts(this.actions, current), (event) => {
      if (current()) this.feed(event);
    });
  }
}
