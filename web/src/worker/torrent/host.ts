// One torrent in the worker: drives its TorrentSession (events in, actions out through the engine ports, in the
// session driver every host shares: shared/host/session-driver.ts) and keeps
// where it is in its life as one state value. A failure here puts this torrent in the error state and leaves every
// other torrent alone. Its other jobs live beside it, each in its own room: names (identity.ts), totals, the file
// choice, stream steering (streams/), a private share's state, the shared files' watch, and the view.
import type { Bitfield } from '../../../../shared/codec/bitfield';
import type { EngineEvent, Session, V2Options } from '../../../../shared/engine/contract/engine-types';
import type { FileEntry, TorrentInfo } from '../../../../shared/codec/metainfo';
import { WRONG_KEY_MESSAGE } from '../../../../shared/private-share/private-share';
import type { PrivateFiles } from '../../lib/crypto/private-files';
import type { PeerPath, TorrentView } from '../../lib/messages/protocol';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import { SessionDriver } from '../../../../shared/host/session-driver';
import type { TorrentRecord } from '../storage/records';
import type { HostContext } from './context';
import { enginePorts } from './engine-ports';
import { engineError } from './errors';
import { Lifecycle } from './lifecycle';
import { TorrentParts, type HostLink } from './parts';
import { receiverOf } from './peer-links';
import type { PeerTransport } from '../../../../shared/host/peer-transport';
import { SessionActions } from './session-actions';
import type { StreamIntents } from './streams/steering';
import { torrentView } from './view';

export class TorrentHost {
  private readonly lifecycle = new Lifecycle();
  /** Why its link's .torrent could not be fetched from a web server (intake/link-source.ts): shown while the
   * metadata is awaited from peers. */
  sourceProblem: string | undefined;
  private readonly parts: TorrentParts;
  private readonly actions: SessionActions;
  private readonly driver = new SessionDriver({
    live: () => this.lifecycle.live,
    now: () => this.ctx.clock(),
    ports: (current) => enginePorts(this.actions, current),
    threw: (error) => this.fail(engineError(error)),
    // Nothing a removed torrent's session asked for lands: its storage is being deleted.
    accepts: () => !this.removed,
    drained: () => {
      if (this.lifecycle.stopping) this.halt();
    },
  });

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
    this.parts = new TorrentParts(ctx, record, { info, stored, v2, hybridLink: options.hybridLink }, link);
    this.actions = new SessionActions(ctx, record, this.parts, link);
  }

  get infoHashHex(): string {
    return this.parts.identity.infoHashHex;
  }
  get info(): TorrentInfo | undefined {
    return this.parts.info;
  }
  /** A hybrid's v2 info hash, once its info is known. */
  get infoHashV2(): Uint8Array | undefined {
    return this.parts.identity.infoHashV2;
  }
  /** A hybrid's v2 view and known piece layers (see v2-view.ts). */
  get v2(): V2Options | undefined {
    return this.parts.v2.options;
  }
  get pieces(): PieceStorage {
    return this.parts.pieces;
  }
  get error(): string | undefined {
    return this.lifecycle.failure?.reason;
  }
  get removed(): boolean {
    return this.lifecycle.removed;
  }

  /** Creates the session; an unpaused torrent becomes active (the main thread starts its tracker clients). */
  start(): void {
    this.driver.renew();
    let session: Session;
    try {
      session = this.ctx.createSession(this.parts.sessionOptions());
    } catch (error) {
      return this.lifecycle.startFailed(engineError(error));
    }
    this.lifecycle.started(session);
    this.parts.totals.sessionStarted();
    this.parts.applyFileChoice();
    this.parts.privateShare.checkManifest();
    if (this.record.paused) return this.feed({ type: 'pause' });
    this.parts.prepareStore();
    this.parts.reports.postActive();
    // The session's first event yields `announce started` and `want-peers`.
    this.feed({ type: 'tick' });
  }

  // --- events from the main thread ---

  /** A connection opened: the peer's bytes come in by `transport`, and the engine's go out by it. */
  /** `expect`: the peer id a connection made through the swarm must name in its handshake. */
  peerConnected(peer: string, identities: string[], transport: PeerTransport, expect?: string): void {
    if (!this.lifecycle.live) return transport.close('torrent not active');
    this.parts.peers.add(peer, transport);
    this.feed({ type: 'peer-connected', peer, identities, ...(expect !== undefined ? { expect } : {}) });
    transport.receive(receiverOf(this, peer));
  }
  /** The page's side of a meeting through the swarm: our description to relay, or the meeting failed. */
  swarmEvent(event: Extract<EngineEvent, { type: 'signal-out' | 'meet-failed' }>): void {
    if (this.lifecycle.session) this.feed(event);
  }
  peerData(peer: string, data: ArrayBuffer): void {
    if (!this.parts.peers.has(peer)) return; // late bytes of a connection we already closed
    this.feed({ type: 'peer-data', peer, data: new Uint8Array(data) });
  }
  peerBacklog(peer: string, backlogged: boolean): void {
    if (this.parts.peers.has(peer)) this.feed({ type: 'peer-backlog', peer, backlogged });
  }
  /** What the torrent's connections hold that has not left (shared/host/upload-queue-report.ts): the engine paces to it. */
  uploadQueue(bytes: number, byPeer?: ReadonlyArray<readonly [string, number]>): void {
    if (this.lifecycle.session) this.feed({ type: 'upload-queue', bytes, ...(byPeer ? { byPeer } : {}) });
  }
  peerClosed(peer: string): void {
    if (this.parts.peers.delete(peer)) this.feed({ type: 'peer-closed', peer });
  }
  /** The page read the connection's path (direct or through a relay). */
  peerPath(peer: string, path: PeerPath): void {
    this.parts.peers.setPath(peer, path);
  }
  /** The page's diagnosis of the connection attempts (undefined: nothing to say). */
  setReachability(problem: string | undefined): void {
    this.parts.peers.setReachability(problem);
  }

  tick(): void {
    this.feed({ type: 'tick' });
    this.parts.tick();
  }

  /** `Resume sharing` (after the page asked the browser for permission again): checks the shared files, then runs
   * the torrent from them; a file still unreadable or changed keeps the torrent in the error state with the reason. */
  async resumeShared(): Promise<void> {
    if (!this.record.sharedFiles || !this.info || this.removed) return;
    const failure = await this.parts.recheckShared(this.info);
    if (failure) return this.lifecycle.replaceFailure(failure);
    this.lifecycle.permissionNeeded('', false);
    this.record.paused = false;
    this.resume();
  }

  /** Downloads only the files not in `skipped` (remembered with the torrent). A private share's files are not the
   * torrent's (one file of ciphertext): it is fetched whole. */
  chooseFiles(skipped: number[]): void {
    if (this.removed || this.record.private) return;
    this.parts.choice.choose(skipped, this.info?.files.length ?? Infinity);
    this.parts.applyFileChoice();
  }
  /** `Most to fetch from web servers` (null: no limit), remembered with the torrent and told to its session. */
  setWebSeedBudget(bytes: number | null): void {
    if (this.removed) return;
    if (bytes === null) delete this.record.webSeedBudget;
    else this.record.webSeedBudget = bytes;
    void this.persist(false);
    if (this.lifecycle.session) this.feed({ type: 'webseed-budget', bytes: bytes ?? undefined });
  }
  /** What players and streams ask of the torrent's pieces, to the one room that decides them (streams/steering.ts). */
  get streams(): StreamIntents {
    return this.parts.steering;
  }

  pause(): void {
    if (this.record.paused || this.removed) return;
    this.record.paused = true;
    void this.persist(false);
    if (this.lifecycle.halted) return;
    this.feed({ type: 'pause' });
    this.parts.reports.postInactive();
  }

  resume(): void {
    if (this.removed) return;
    const wasPaused = this.record.paused;
    this.record.paused = false;
    if (wasPaused) void this.persist(false);
    if (this.lifecycle.halted || !this.lifecycle.session) {
      // After an error: a fresh session from the verified pieces.
      this.parts.totals.carryOver();
      return this.start();
    }
    if (!wasPaused) return;
    this.feed({ type: 'resume' });
    this.parts.reports.postActive();
  }

  /** Stops for good (page unload, or before `remove`): announces stopped, closes every peer. */
  stop(): void {
    if (this.lifecycle.live) {
      this.driver.clear();
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
  fail(reason: string, needsPermission?: boolean): void {
    const failed = this.lifecycle.fail(reason);
    if (needsPermission !== undefined) this.lifecycle.permissionNeeded(reason, needsPermission);
    if (!failed || !this.lifecycle.live) return;
    this.driver.clear();
    this.lifecycle.stop();
    this.feed({ type: 'stop' });
  }

  /** Writes the record (batched with the pieces); false when it was not. `critical`: a failure fails the torrent. */
  persist(critical: boolean): Promise<boolean> {
    return this.parts.persist(critical);
  }

  /** The files the user sees: a private share's real ones (none before its manifest is known), else the info's. */
  files(): FileEntry[] {
    return this.parts.offered.files();
  }
  /** A private share's decryption of its pieces (for Save without a service worker); undefined for others. */
  privateFiles(): Promise<PrivateFiles | undefined> {
    return this.parts.privateShare.files();
  }
  /** Whether every piece holding bytes of file `fileIndex` is stored (an empty file is complete at once). */
  fileComplete(fileIndex: number): boolean {
    return this.parts.offered.fileComplete(fileIndex);
  }

  /** A key from a share link (private-state.ts); a torrent stopped by a wrong key starts again with this one. */
  setKey(key: string): void {
    if (this.removed || !this.parts.setKey(key)) return;
    if (this.error === WRONG_KEY_MESSAGE) this.resume();
    else this.parts.privateShare.checkManifest();
  }

  view(now: number): TorrentView {
    this.parts.reports.refreshStats(now);
    return torrentView({ ...this.parts.viewState(this.lifecycle, now), sourceProblem: this.sourceProblem });
  }

  // --- the session loop ---

  private feed(event: EngineEvent): void {
    this.driver.feed(event);
  }

  private halt(): void {
    if (!this.lifecycle.halt()) return;
    this.driver.clear();
    this.parts.peers.closeAll(this.error ?? 'torrent stopped');
    this.parts.reports.postInactive();
  }

  /** What the host's rooms and its session's actions may ask of it. */
  private link(): HostLink {
    return {
      feed: (event) => this.feed(event),
      fail: (reason, needsPermission) => this.fail(reason, needsPermission),
      session: () => this.lifecycle.session,
      live: () => this.lifecycle.live,
      halted: () => this.lifecycle.halted,
      removed: () => this.removed,
      failed: () => this.error !== undefined,
    };
  }
}
