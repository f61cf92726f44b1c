// Keeps a transferring tab from being frozen. Chromium does not freeze a hidden page that holds a Web Lock (its
// freezing policy counts a held lock as work in progress), so the engine tab holds `swarmdrop-transferring` while any
// torrent downloads or serves a peer that still needs pieces, and lets it go when all are idle, so an idle tab can be
// frozen and spare the battery.
import type { TorrentView } from '../lib/messages/protocol';

export const TRANSFER_LOCK = 'swarmdrop-transferring';

/** The part of `navigator.locks` this module uses. */
export interface LockRequester {
  request(name: string, callback: () => Promise<void>): Promise<unknown>;
}

/** A torrent moving bytes: fetching its metadata or pieces, or seeding to a connected peer that is not a seed. */
export function isTransferring(view: Pick<TorrentView, 'state' | 'peers' | 'seeds'>): boolean {
  if (view.state === 'fetching-metadata' || view.state === 'downloading') return true;
  return view.state === 'seeding' && view.peers > view.seeds;
}

export class TransferLock {
  /** Resolving it lets the held lock go; set while the lock is asked for or held. */
  private release: (() => void) | undefined;

  constructor(
    private readonly locks: LockRequester | undefined,
    private readonly name = TRANSFER_LOCK,
  ) {}

  /** Whether the lock is asked for or held. */
  get wanted(): boolean {
    return this.release !== undefined;
  }

  /** Takes the lock while any of `torrents` transfers, and lets it go when none does. */
  update(torrents: readonly Pick<TorrentView, 'state' | 'peers' | 'seeds'>[]): void {
    this.hold(torrents.some(isTransferring));
  }

  hold(transferring: boolean): void {
    if (transferring === this.wanted || !this.locks) return;
    if (!transferring) {
      this.release?.();
      this.release = undefined;
      return;
    }
    const letGo = new Promise<void>((resolve) => (this.release = resolve));
    // A refused lock (an opaque origin, a page being torn down) only loses the freeze protection; the transfer goes on.
    this.locks.request(this.name, () => letGo).catch(() => undefined);
  }

  /** Lets the lock go for good (the page is leaving). */
  close(): void {
    this.hold(false);
  }
}

/** The browser's lock manager, where it has one. */
export function browserLocks(): LockRequester | undefined {
  return (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
}
