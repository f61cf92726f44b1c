// Keeps a phone's screen on while a transfer runs (the Screen Wake Lock API), and lets it sleep when all is idle. A
// phone whose screen turns off puts the browser in the background, where the tab is throttled and then frozen, and
// the transfer stops; the Web Lock of transfer-lock.ts keeps a hidden desktop tab from freezing, not a screen on.
// The browser lets a screen wake lock go when the page is hidden, and grants one only to a visible page: it is asked
// for again when the page is shown while a transfer still runs.
import type { TorrentView } from '../lib/messages/protocol';
import { isTransferring } from './transfer-lock';

/** The part of a WakeLockSentinel this module uses. */
export interface WakeSentinel {
  release(): Promise<void>;
  addEventListener(type: 'release', listener: () => void): void;
}

/** The part of `navigator.wakeLock` this module uses. */
export interface WakeLockLike {
  request(type: 'screen'): Promise<WakeSentinel>;
}

/** Whether the screen should be kept on: a transfer runs and the page is shown (a hidden page gets no lock). */
export function screenWakeWanted(
  torrents: readonly Pick<TorrentView, 'state' | 'peers' | 'seeds'>[],
  visible: boolean,
): boolean {
  return visible && torrents.some(isTransferring);
}

export class ScreenWake {
  private sentinel: WakeSentinel | undefined;
  private asking = false;
  private wanted = false;
  private torrents: readonly Pick<TorrentView, 'state' | 'peers' | 'seeds'>[] = [];

  constructor(
    private readonly wakeLock: WakeLockLike | undefined,
    private readonly visible: () => boolean,
  ) {}

  /** Whether a lock is held now. */
  get held(): boolean {
    return this.sentinel !== undefined;
  }

  /** The torrents changed. */
  update(torrents: readonly Pick<TorrentView, 'state' | 'peers' | 'seeds'>[]): void {
    this.torrents = torrents;
    this.apply();
  }

  /** Takes or lets go of the lock as the torrents and the page's visibility say (also when the page is shown). */
  apply(): void {
    this.wanted = screenWakeWanted(this.torrents, this.visible());
    if (this.wanted && !this.sentinel && !this.asking) this.ask();
    else if (!this.wanted && this.sentinel) this.letGo();
  }

  /** Lets the lock go for good (the page is leaving). */
  close(): void {
    this.torrents = [];
    this.apply();
  }

  private ask(): void {
    if (!this.wakeLock) return;
    this.asking = true;
    this.wakeLock.request('screen').then(
      (sentinel) => {
        this.asking = false;
        this.sentinel = sentinel;
        // Let go by the browser (the page hidden): asked for again when it is shown.
        sentinel.addEventListener('release', () => {
          if (this.sentinel === sentinel) this.sentinel = undefined;
        });
        if (!this.wanted) this.letGo();
      },
      // Refused (hidden meanwhile, a battery saver, a policy): the transfer goes on without it.
      () => (this.asking = false),
    );
  }

  private letGo(): void {
    const sentinel = this.sentinel;
    this.sentinel = undefined;
    sentinel?.release().catch(() => undefined);
  }
}

/** The browser's screen wake lock, where it has one. */
export function browserWakeLock(): WakeLockLike | undefined {
  return (globalThis.navigator as (Navigator & { wakeLock?: WakeLockLike }) | undefined)?.wakeLock;
}
