// What the system handed the installed app (launch.ts), held until the user says what to do with it: files from the
// share sheet wait for `Share`, `.torrent` files opened with the app wait for `Open`. Any site can post to the share
// target, and a launch may be a mistake, so nothing joins a swarm or reaches a tracker before that word.
import type { PickedFile } from '../lib/files/share-input';
import type { SharedIn } from '../lib/files/share-target';
import { receiveLaunches, type LaunchTarget } from './launch';

/** What the held launches do once confirmed (app.svelte.ts). */
export interface HeldActions {
  share(picked: PickedFile[]): Promise<void>;
  openTorrentFile(file: File): Promise<void>;
}

export class HeldLaunches implements LaunchTarget {
  /** The share sheet's files waiting for `Share`, or why none are held (over a bound). */
  share = $state.raw<SharedIn | null>(null);
  /** `.torrent` files opened with the app, waiting for `Open`. */
  torrentFiles = $state.raw<File[]>([]);

  constructor(private readonly actions: HeldActions) {}

  /** Starts holding what the system hands this page (launch.ts). */
  receive(): void {
    receiveLaunches(this);
  }

  holdShare(shared: SharedIn): void {
    this.share = shared;
  }

  holdTorrentFile(file: File): void {
    this.torrentFiles = [...this.torrentFiles, file];
  }

  /** `Share`: shares the held files, encrypted as `Encrypt for people with the link` says. */
  async confirmShare(): Promise<void> {
    const shared = this.share;
    this.share = null;
    if (shared && shared.files.length > 0)
      await this.actions.share(shared.files.map((file) => ({ file, relativePath: file.name })));
  }

  cancelShare(): void {
    this.share = null;
  }

  /** `Open`: opens each held `.torrent` file. */
  async confirmTorrents(): Promise<void> {
    const files = this.torrentFiles;
    this.torrentFiles = [];
    for (const file of files) await this.actions.openTorrentFile(file);
  }

  cancelTorrents(): void {
    this.torrentFiles = [];
  }
}
