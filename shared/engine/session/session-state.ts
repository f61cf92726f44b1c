// The session's state and its changes: fetching the metadata, downloading, seeding (every wanted piece here),
// paused, failed and stopped, and what each change does to the peers (our interest, our chokes, requests released).
// Waiting for storage (storage-stall.ts) shows as 'error' with its words, and ends by itself once its wait is over.
// Every room reads the state; only this room writes it.
import type { EngineAction, SessionState } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import type { PeerState } from '../peer/peer';
import type { ChokeRounds } from '../upload/choke-rounds';
import { StorageStall, storageWaitWords } from './storage-stall';

/** What a change of state touches. */
export interface SessionStatePorts {
  peers(): Iterable<PeerState>;
  downloader(): Downloader | undefined;
  readonly chokes: ChokeRounds;
  act(action: EngineAction): void;
  now(): number;
}

export class SessionStates {
  private current: SessionState = 'fetching-metadata';
  private failure: string | undefined;
  private readonly storage = new StorageStall();

  constructor(private readonly ports: SessionStatePorts) {}

  get state(): SessionState {
    return this.current;
  }

  /** Why the session failed (state 'error'). */
  get errorReason(): string | undefined {
    return this.failure;
  }

  /** The info is known: downloading, or seeding what is all here (a pause or a failure stays). */
  infoKnown(downloader: Downloader): void {
    if (this.current !== 'paused' && this.current !== 'error') this.current = activeState(downloader);
  }

  /** The download cannot go on: we stay connected, but ask nothing. */
  fail(reason: string): void {
    if (this.current === 'error' && !this.storage.stalled) return;
    this.storage.clear();
    this.ports.act({ type: 'error', reason });
    this.halt(reason);
  }

  /** Storage refused a piece at `now`: nothing is asked until the wait is over (`retryStorage`). A paused or failed
   * session stays as it is (the piece is fetched again once it goes on). */
  storageRefused(reason: string, now: number): void {
    if (this.storage.stalled) {
      this.failure = storageWaitWords(reason);
      return;
    }
    if (this.current !== 'downloading' && this.current !== 'seeding') return;
    this.storage.refused(now);
    this.halt(storageWaitWords(reason));
  }

  /** A piece was stored: storage works. */
  storageWorked(): void {
    this.storage.worked();
  }

  /** The clock: once the wait for storage is over, the download goes on (and tries storage again). */
  retryStorage(now: number): void {
    if (!this.storage.due(now)) return;
    this.endStall();
    const downloader = this.ports.downloader();
    if (!downloader) return;
    this.current = activeState(downloader);
    this.updateInterestAll();
    downloader.refillSoon();
  }

  private endStall(): void {
    if (!this.storage.stalled) return;
    this.storage.clear();
    this.failure = undefined;
  }

  /** The 'error' state: our interest and our requests withdrawn. */
  private halt(reason: string): void {
    this.current = 'error';
    this.failure = reason;
    const downloader = this.ports.downloader();
    if (!downloader) return;
    for (const peer of this.ports.peers()) {
      if (peer.handshaken) downloader.updateInterest(peer);
      downloader.releasePeer(peer);
    }
  }

  /** Every wanted piece here (some files skipped): seeding what we have; a file chosen again: downloading again. */
  followWanted(): void {
    const downloader = this.ports.downloader();
    if (!downloader || downloader.verified.complete) return;
    const next = activeState(downloader);
    if ((this.current !== 'downloading' && this.current !== 'seeding') || next === this.current) return;
    this.current = next;
    if (next === 'seeding') downloader.dropPiece();
    else downloader.refillSoon();
    this.updateInterestAll();
  }

  /** Every piece is here. */
  becomeSeeder(): void {
    this.endStall();
    this.current = 'seeding';
    this.ports.downloader()?.dropPiece();
    this.ports.act({ type: 'announce', event: 'completed' });
    this.ports.act({ type: 'complete' });
    this.updateInterestAll();
  }

  /** Paused: every peer choked, our interest and our requests withdrawn. */
  pause(): void {
    if (this.current === 'paused' || (this.current === 'error' && !this.storage.stalled)) return;
    this.endStall();
    this.current = 'paused';
    const downloader = this.ports.downloader();
    for (const peer of this.ports.peers()) {
      if (!peer.handshaken) continue;
      this.ports.chokes.setChoke(peer, true, this.ports.now());
      downloader?.updateInterest(peer);
      downloader?.releasePeer(peer);
    }
  }

  resume(): void {
    if (this.current !== 'paused') return;
    const downloader = this.ports.downloader();
    this.current = !downloader ? 'fetching-metadata' : activeState(downloader);
    this.updateInterestAll();
    this.ports.chokes.roundSoon();
    downloader?.refillSoon();
  }

  /** Every peer is closed: nothing more happens. */
  stopped(): void {
    this.current = 'stopped';
  }

  private updateInterestAll(): void {
    const downloader = this.ports.downloader();
    if (!downloader) return;
    for (const peer of this.ports.peers()) if (peer.handshaken) downloader.updateInterest(peer);
  }
}

/** Seeding once every wanted piece is here (every piece, unless files were skipped), else downloading. */
export function activeState(downloader: Downloader): 'seeding' | 'downloading' {
  return downloader.verified.complete || downloader.wantedComplete ? 'seeding' : 'downloading';
}
