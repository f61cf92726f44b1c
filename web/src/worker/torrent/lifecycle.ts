// Where a torrent is in its life, as one value: made but not started, running its session, stopping (a stop queued
// in the session loop), halted (its session stopped, or none could be made), or removed. A failure rides along: the
// reason the torrent shows, and whether the browser must be asked again to read its shared files.
import type { Session } from '../../../../shared/engine/contract/engine-types';

export interface Failure {
  reason: string;
  /** Stopped because the browser needs the user's permission to read the shared files again (`Resume sharing`). */
  needsPermission: boolean;
}

export type LifecycleState =
  /** Made, not started yet: restored (perhaps with the reason it could not be), or being added. */
  | { phase: 'idle'; failure?: Failure }
  /** Its session runs (a paused torrent too: pausing is the session's own state). */
  | { phase: 'running'; session: Session; failure?: Failure }
  /** A stop is queued in the session loop: the torrent halts once the loop has run it. */
  | { phase: 'stopping'; session: Session; failure?: Failure }
  /** Stopped (by `stop` or a failure), or no session could be made; a stopped session keeps its counts. */
  | { phase: 'halted'; session?: Session; failure?: Failure }
  /** Removed: nothing more happens. */
  | { phase: 'removed'; session?: Session; failure?: Failure };

export class Lifecycle {
  private state: LifecycleState = { phase: 'idle' };

  get phase(): LifecycleState['phase'] {
    return this.state.phase;
  }

  /** The current session, stopped or not (its counts and piece layers stay readable). */
  get session(): Session | undefined {
    return this.state.phase === 'idle' ? undefined : this.state.session;
  }

  /** The session while it runs events: neither halted nor removed. */
  get live(): Session | undefined {
    return this.state.phase === 'running' || this.state.phase === 'stopping' ? this.state.session : undefined;
  }

  get halted(): boolean {
    return this.state.phase === 'halted' || this.state.phase === 'removed';
  }

  get removed(): boolean {
    return this.state.phase === 'removed';
  }

  get stopping(): boolean {
    return this.state.phase === 'stopping';
  }

  get failure(): Readonly<Failure> | undefined {
    return this.state.failure;
  }

  /** A new session runs: what stopped the last one is over. */
  started(session: Session): void {
    this.state = { phase: 'running', session };
  }

  /** No session could be made. */
  startFailed(reason: string): void {
    this.state = { phase: 'halted', failure: { reason, needsPermission: false } };
  }

  /** Records the torrent's failure unless it has one or is removed; true when it did (the first reason stands). */
  fail(reason: string): boolean {
    if (this.state.failure || this.removed) return false;
    this.state.failure = { reason, needsPermission: false };
    return true;
  }

  /** The reason to show whatever came before (a check of the shared files that failed again). */
  replaceFailure(failure: Failure): void {
    this.state.failure = { ...failure };
  }

  /** Whether the failure is the shared files' lost permission: only while `reason` is the failure shown. */
  permissionNeeded(reason: string, permission: boolean): void {
    const failure = this.state.failure;
    if (failure) failure.needsPermission = permission && failure.reason === reason;
  }

  /** A stop is queued for the running session. */
  stop(): void {
    if (this.state.phase === 'running') this.state = { ...this.state, phase: 'stopping' };
  }

  /** Halts (keeping the session's counts); false when it was halted already. */
  halt(): boolean {
    if (this.halted) return false;
    const { failure } = this.state;
    this.state = { phase: 'halted', session: this.session, ...(failure ? { failure } : {}) };
    return true;
  }

  remove(): void {
    const { failure } = this.state;
    this.state = { phase: 'removed', session: this.session, ...(failure ? { failure } : {}) };
  }
}
