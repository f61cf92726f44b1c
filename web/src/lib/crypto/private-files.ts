// A private share as the tab with its key sees it: the real files over the torrent's encrypted pieces. The worker
// (its view, `Save` without a service worker) and the service worker (`Save`, `Play`) read files through this: a
// plaintext file is laid out over records of `recordSize` bytes, record i being piece i decrypted, so a byte range
// of a file maps to pieces as in any torrent (with the record size for the piece length).
import type { FileEntry } from '../../../../shared/codec/metainfo';
import {
  decodeKey,
  isKeyText,
  layoutOf,
  openRecord,
  plainFiles,
  type Aead,
  type Manifest,
  type PrivateLayout,
} from '../../../../shared/private-share/private-share';
import { webAead } from './private-crypto';

/** What a private torrent's record keeps (in this browser only): its key, and its manifest once decrypted. */
export interface PrivateRecordPart {
  /** The key, base64url: what the share link's fragment carries. */
  key: string;
  manifest?: Manifest;
  /** Records the manifest takes (with the manifest). */
  manifestRecords?: number;
}

export function isPrivateRecordPart(value: unknown): value is PrivateRecordPart {
  if (typeof value !== 'object' || value === null) return false;
  const part = value as Partial<PrivateRecordPart>;
  return (
    isKeyText(part.key) &&
    (part.manifest === undefined ||
      (typeof part.manifest === 'object' &&
        part.manifest !== null &&
        Array.isArray(part.manifest.files) &&
        Number.isSafeInteger(part.manifestRecords)))
  );
}

/** A private torrent's files in plaintext: the shape a file response and a file Blob read. */
export interface PlainTorrentFiles {
  /** Plaintext bytes per record (= per piece). */
  pieceLength: number;
  pieceCount: number;
  files: FileEntry[];
}

/** The real files over the pieces, and the decryption of a piece; for a record whose manifest is known. */
export class PrivateFiles {
  readonly files: PlainTorrentFiles;

  private constructor(
    private readonly aead: Aead,
    readonly layout: PrivateLayout,
    readonly manifest: Manifest,
  ) {
    this.files = {
      pieceLength: layout.recordSize,
      pieceCount: layout.recordCount,
      files: plainFiles(layout, manifest),
    };
  }

  /** Undefined until the manifest is known. */
  static async open(
    part: PrivateRecordPart,
    torrent: { pieceLength: number; length: number },
  ): Promise<PrivateFiles | undefined> {
    if (!part.manifest || part.manifestRecords === undefined) return undefined;
    const layout = layoutOf(torrent.pieceLength, part.manifestRecords, torrent.length);
    return new PrivateFiles(await webAead(decodeKey(part.key)), layout, part.manifest);
  }

  /** Piece `index` decrypted (its record's plaintext); throws WRONG_KEY_MESSAGE when it does not open. */
  async decrypt(index: number, piece: ArrayBuffer): Promise<ArrayBuffer> {
    const plain = await openRecord(this.aead, this.layout, index, new Uint8Array(piece));
    return plain.buffer.byteLength === plain.byteLength
      ? (plain.buffer as ArrayBuffer)
      : plain.slice().buffer;
  }
}
