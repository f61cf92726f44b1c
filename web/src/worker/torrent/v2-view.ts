// A hybrid's or v2 torrent's v2 view for its sessions: given at the start when the info is known, announced without
// it by a hybrid joined by magnet link until its metadata came (LaterV2), learned from the metadata for the sessions
// after that, and its piece layers learned from peers kept beside the record.
import type { NodeHash } from '../../../../shared/engine/verify/file-tree';
import type {
  LaterV2,
  Session,
  SessionOptions,
  V2Options,
} from '../../../../shared/engine/contract/engine-types';
import type { Sha256 } from '../../../../shared/hash/merkle';
import type { Sha1, TorrentInfo } from '../../../../shared/codec/metainfo';
import type { BatchWriter } from '../storage/batch-writer';
import { pieceLayersEntry } from '../storage/records';
import { knownPieceLayers, sessionV2 } from '../v2/v2-session';

export interface V2Hashers {
  sha1: Sha1;
  sha256: Sha256;
  nodeHash?: NodeHash;
}

export class V2View {
  /** The current session's v2 view to come, when it announced v2 without it. */
  private later: LaterV2 | undefined;

  /** `view`: set before the start by whoever knows the info then. `hybridLink`: joined by a hybrid's magnet link
   * (btih and btmh): until the info is known its sessions announce v2, and are given the v2 view once it came. */
  constructor(
    private view: V2Options | undefined,
    private readonly hybridLink: boolean,
  ) {}

  /** The v2 view and the piece layers known (a magnet's, once its metadata came, serves the sessions after that). */
  get options(): V2Options | undefined {
    return this.view;
  }

  /** A new session's v2 option: its v2 view when known, else the v2 bit alone for a hybrid joined by magnet link. */
  sessionOption(info: TorrentInfo | undefined): Pick<SessionOptions, 'v2'> {
    this.later = undefined;
    if (this.view && info) return { v2: this.view };
    if (!this.hybridLink || info) return {};
    this.later = {};
    return { v2: this.later };
  }

  /**
   * The metadata came with a v2 hash: its v2 view serves this session if it announced v2 (joined by a hybrid's
   * magnet link), else the sessions started after this one (its handshakes went out without the v2 bit). A
   * btmh-only magnet's session took the view from the metadata itself; this serves the next ones.
   */
  learn(info: TorrentInfo, hashers: V2Hashers): Promise<void> | undefined {
    if (this.view) return undefined;
    const later = this.later;
    const { sha1, sha256, nodeHash } = hashers;
    return sessionV2(info.infoBytes, { sha1, sha256 }, undefined, nodeHash).then((v2) => {
      this.view ??= v2;
      if (later && v2) later.view = v2;
    });
  }

  /**
   * Piece layers the session got from peers (a hybrid added without them) are kept beside the record, as a share's
   * are: later sessions start with them and the .torrent the app hands out carries them. Called when the last of
   * them came (`layers-known`, which may be after the download completed: pieces of a hybrid are checked by SHA-1
   * until then) and again at completion.
   */
  keepLayers(session: Session | undefined, infoHashHex: string, writer: Pick<BatchWriter, 'put'>): void {
    const v2 = this.view;
    const known = session?.pieceLayers;
    if (!v2 || v2.pieceLayers || !known || known.missing > 0) return;
    const layers =
      knownPieceLayers(v2.info, (index) => known.expected(index)) ?? new Map<string, Uint8Array>();
    // Looked at once: a torrent whose files are each one piece long has no layer to keep.
    this.view = { ...v2, pieceLayers: layers };
    if (layers.size === 0) return;
    const [key, value] = pieceLayersEntry(infoHashHex, layers);
    writer.put(key, value).catch(() => {
      // only a later session asks its peers again
    });
  }
}
