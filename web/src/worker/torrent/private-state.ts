// A private share as a torrent here: its key (from the share link), its manifest (decrypted from its first records
// once they are stored), the real files over its records, and their decryption for Save. A key that does not open
// the manifest stops the torrent with the reason, before any file is offered.
import type { VerifiedView } from '../../../../shared/engine/verify/verified-pieces';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import { layoutOf, plainFiles, PRIVATE_SHARE_NAME } from '../../../../shared/private-share/private-share';
import { PrivateFiles } from '../../lib/crypto/private-files';
import type { FileLayout } from '../storage/file-blob';
import { findManifest } from '../share/seal-share';
import type { TorrentRecord } from '../storage/records';
import { errorMessage } from './errors';

export interface PrivateSharePorts {
  info(): TorrentInfo | undefined;
  verified(): VerifiedView | undefined;
  readPieces(indices: number[]): Promise<ArrayBuffer[]>;
  /** Asks for the pieces the manifest lies in. */
  want(pieces: number[]): void;
  /** The manifest is known: the record holding it is written, then the files are offered. */
  manifestFound(): void;
  fail(reason: string): void;
  /** Removed, or stopped by a failure: no manifest is looked for. */
  removed(): boolean;
  failed(): boolean;
}

export class PrivateShareState {
  /** The real files over the records (record i = piece i), once the manifest is known. */
  private plainLayout: FileLayout | undefined;
  private plainFiles: Promise<PrivateFiles | undefined> | undefined;
  private findingManifest = false;

  constructor(
    private readonly record: Pick<TorrentRecord, 'private' | 'name'>,
    private readonly ports: PrivateSharePorts,
  ) {}

  /** The real files over the records, once the manifest is known. */
  layout(): FileLayout | undefined {
    const part = this.record.private;
    const info = this.ports.info();
    if (this.plainLayout || !part?.manifest || part.manifestRecords === undefined || !info)
      return this.plainLayout;
    const layout = layoutOf(info.pieceLength, part.manifestRecords, info.length);
    this.plainLayout = { pieceLength: layout.recordSize, files: plainFiles(layout, part.manifest) };
    return this.plainLayout;
  }

  /** The decryption of its pieces (for Save without a service worker); undefined for a torrent not private. */
  files(): Promise<PrivateFiles | undefined> {
    const part = this.record.private;
    const info = this.ports.info();
    if (!part || !info) return Promise.resolve(undefined);
    if (!part.manifest) return Promise.reject(new Error('The files are not known yet'));
    this.plainFiles ??= PrivateFiles.open(part, info);
    return this.plainFiles;
  }

  /**
   * A key from a share link for a torrent already here: kept unless the files are known already (a key that opened
   * the manifest stays); true when it was. A public torrent stays public: a link cannot make it unreadable by
   * attaching a key to it.
   */
  setKey(key: string): boolean {
    if (this.record.private?.manifest) return false;
    if (!this.record.private && (this.ports.info()?.name ?? this.record.name) !== PRIVATE_SHARE_NAME)
      return false;
    this.record.private = { key };
    this.plainLayout = undefined;
    this.plainFiles = undefined;
    return true;
  }

  /**
   * A private share whose manifest is not known yet (a tab that joined by the share link): once its first pieces
   * are stored, decrypts the manifest; asks for those pieces first meanwhile.
   */
  checkManifest(): void {
    const part = this.record.private;
    const info = this.ports.info();
    const verified = this.ports.verified();
    if (!part || part.manifest || !info || !verified || this.findingManifest || this.ports.removed()) return;
    if (this.ports.failed()) return;
    this.findingManifest = true;
    let wanted: number[] = [];
    findManifest(part.key, {
      pieceLength: info.pieceLength,
      length: info.length,
      has: (index) => verified.get(index),
      read: (indices) => this.ports.readPieces(indices),
    })
      .then(
        (step) => {
          if (this.ports.removed()) return;
          if ('want' in step) {
            wanted = step.want;
            this.ports.want(step.want);
            return;
          }
          part.manifest = step.manifest;
          part.manifestRecords = step.manifestRecords;
          this.ports.manifestFound();
        },
        (error: unknown) => this.ports.fail(errorMessage(error)),
      )
      .finally(() => {
        this.findingManifest = false;
        // The pieces it lacked may have been stored meanwhile, with no later piece to look again.
        if (wanted.length > 0 && wanted.every((index) => verified.get(index))) this.checkManifest();
      });
  }
}
