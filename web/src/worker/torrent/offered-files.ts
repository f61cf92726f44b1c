// The files the user is offered: the info's, or a private share's real ones over its records (none before its
// manifest is known); offered once the stored record holds their layout, since the service worker that serves a
// file reads its layout (and a private share's key) from that record: a file offered before it is written would
// answer Play with a 404.
import type { VerifiedView } from '../../../../shared/engine/verify/verified-pieces';
import type { FileEntry, TorrentInfo } from '../../../../shared/codec/metainfo';
import { filePieces, type FileLayout } from '../storage/file-blob';
import type { TorrentRecord } from '../storage/records';

export interface OfferedFilesPorts {
  info(): TorrentInfo | undefined;
  verified(): VerifiedView | undefined;
  /** A private share's real files, once its manifest is known. */
  privateLayout(): FileLayout | undefined;
  /** Writes the record; false when it was not written. */
  persist(): Promise<boolean>;
  /** Starts the pending writes at once. */
  hurry(): void;
  removed(): boolean;
  /** The view should show the files at once. */
  milestone(): void;
}

export class OfferedFiles {
  /** Whether the stored record holds what the view offers files from (the info; a private share's manifest too). */
  private layoutStored: boolean;

  /** `info`: known as the torrent is made; its record, loaded from the store or written before, holds it then. */
  constructor(
    private readonly record: Pick<TorrentRecord, 'private'>,
    info: TorrentInfo | undefined,
    private readonly ports: OfferedFilesPorts,
  ) {
    this.layoutStored = info !== undefined && this.layoutKnown(info);
  }

  get offered(): boolean {
    return this.layoutStored;
  }

  /** A new key: its files wait for the manifest it opens. */
  withdraw(): void {
    this.layoutStored = false;
  }

  /** Writes the record once its files' layout is known (the info, or a private share's manifest) and offers the
   * files when that write is done. */
  async persistLayout(): Promise<void> {
    const complete = this.layoutKnown(this.ports.info());
    const written = this.ports.persist();
    this.ports.hurry(); // the files wait for it, and a player may be about to ask for one
    if (!(await written) || !complete || this.ports.removed()) return;
    this.layoutStored = true;
    this.ports.milestone();
  }

  /** The files the user sees: a private share's real ones (none before its manifest is known), else the info's. */
  files(): FileEntry[] {
    if (!this.record.private) return this.ports.info()?.files ?? [];
    return this.ports.privateLayout()?.files ?? [];
  }

  /** Whether every piece holding bytes of file `fileIndex` is stored (an empty file is complete at once). */
  fileComplete(fileIndex: number): boolean {
    const verified = this.ports.verified();
    const info = this.ports.info();
    const layout = this.record.private ? this.ports.privateLayout() : info;
    if (!info || !layout || !verified || !layout.files[fileIndex]) return false;
    // A private share's record i is piece i: its plaintext layout finds the pieces.
    const { first, last } = filePieces(layout, fileIndex);
    for (let i = first; i <= last; i++) if (!verified.get(i)) return false;
    return true;
  }

  private layoutKnown(info: TorrentInfo | undefined): boolean {
    return info !== undefined && (!this.record.private || this.record.private.manifest !== undefined);
  }
}
