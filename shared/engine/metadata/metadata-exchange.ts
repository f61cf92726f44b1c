// The metadata exchange (BEP 9) of one session: the `ut_metadata` messages peers send us, asking the peers that
// offer the info dictionary for its pieces (MetadataFetch, metadata.ts, decides which), checking the assembled
// dictionary against the info hash, and serving ours once we have it. It talks to the connections through
// `MetadataPorts` (the session).
import { decodeMetadataMessage, encodeMetadataMessage, METADATA_PIECE_SIZE } from '../../codec/extension';
import type { TorrentInfo } from '../../codec/metainfo';
import { parseVerifiedInfo } from '../../codec/metainfo';
import { TorrentTooLargeError } from '../../codec/torrent-bounds';
import type { WireMessage } from '../../codec/wire';
import { MetadataFetch } from './metadata';
import type { PeerState } from '../peer/peer';
import { UT_METADATA_ID } from '../peer/peer-wire';
import type { PeerKey } from '../contract/engine-types';
import { bytesEqual } from '../verify/verify';

/** Metadata requests that get no answer in this time go to another peer. */
export const METADATA_TIMEOUT_MS = 20_000;
/** Times one peer is sent the same metadata piece; past it, its requests for that piece are rejected. */
export const MAX_METADATA_SERVES = 2;

/** What the exchange needs from the session around it. */
export interface MetadataPorts {
  /** The connected peer with this key. */
  peer(key: PeerKey): PeerState | undefined;
  send(peer: PeerState, message: WireMessage): void;
  close(peer: PeerState, reason: string): void;
  /** Hash the assembled dictionary; the answer comes back as `hashed(digest)`. */
  hash(bytes: Uint8Array): void;
  /** The torrent's info, once known (fetched here or given at the start). */
  info(): TorrentInfo | undefined;
  /** The session cannot go on (the dictionary hashes right but is not valid). */
  fail(reason: string): void;
}

/** What the assembled dictionary must hash to, and the info it gives then (throws when it is not valid). */
export interface MetadataCheck {
  expected: Uint8Array;
  parse(bytes: Uint8Array): TorrentInfo;
}

export class MetadataExchange {
  private readonly fetch = new MetadataFetch();
  /** Metadata pieces we served each peer, by piece: each at most MAX_METADATA_SERVES times. */
  private readonly served = new Map<PeerKey, Map<number, number>>();

  /** `check`: by default the v1 one (SHA-1 of the dictionary = the info hash); a btmh-only magnet's is v2-join.ts's. */
  constructor(
    infoHash: Uint8Array,
    private readonly ports: MetadataPorts,
    private readonly check: MetadataCheck = {
      expected: infoHash,
      parse: (bytes) => parseVerifiedInfo(bytes, infoHash),
    },
  ) {}

  /** An extended message (BEP 10) from the peer: its extended handshake, or ut_metadata. */
  onExtended(peer: PeerState, id: number, payload: Uint8Array, now: number): void {
    if (id === 0) return this.onExtendedHandshake(peer, now);
    if (id !== UT_METADATA_ID) return; // an extension we did not offer: ignore
    const message = decodeMetadataMessage(payload); // throws: closes the peer
    switch (message.msgType) {
      case 'request':
        return this.serve(peer, message.piece);
      case 'data': {
        if (this.ports.info()) return; // late answer, we already have it
        const result = this.fetch.data(peer.key, message.piece, message.totalSize, message.data, now);
        if (result.kind === 'violation') return this.ports.close(peer, result.reason);
        if (result.kind === 'complete') {
          this.ports.hash(result.bytes);
          return;
        }
        return this.request(peer, now);
      }
      case 'reject':
        if (this.ports.info()) return;
        this.fetch.reject(peer.key, message.piece, now, METADATA_TIMEOUT_MS);
        return this.requestFromAll(now);
    }
  }

  /** The peer's extended handshake was taken (peer-wire.ts): a peer offering the metadata we lack is asked for it. */
  private onExtendedHandshake(peer: PeerState, now: number): void {
    const size = peer.wire.metadataSize;
    if (this.ports.info() || peer.utMetadata === undefined || size === undefined) return;
    if (this.fetch.hasPeer(peer.key)) return;
    const refusal = this.fetch.addPeer(peer.key, size);
    if (refusal) return this.ports.close(peer, refusal);
    this.request(peer, now);
  }

  private request(peer: PeerState, now: number): void {
    const id = peer.utMetadata;
    if (this.ports.info() || id === undefined) return;
    for (const piece of this.fetch.nextRequests(peer.key, now)) {
      const payload = encodeMetadataMessage({ msgType: 'request', piece });
      this.ports.send(peer, { type: 'extended', id, payload });
    }
  }

  /** Asks every peer that offers the metadata for what it may be asked now. */
  requestFromAll(now: number): void {
    for (const key of this.fetch.candidates()) {
      const peer = this.ports.peer(key);
      if (peer) this.request(peer, now);
    }
  }

  private serve(peer: PeerState, piece: number): void {
    const id = peer.utMetadata;
    if (id === undefined) return; // no extended handshake yet: it never said where answers go
    const bytes = this.ports.info()?.infoBytes;
    const start = piece * METADATA_PIECE_SIZE;
    // Each piece at most twice per peer (once, and once more after a loss): a peer asking in a loop gets rejects.
    let served: Map<number, number> | undefined;
    if (bytes && start < bytes.length) {
      served = this.served.get(peer.key);
      if (!served) this.served.set(peer.key, (served = new Map()));
    }
    const times = served?.get(piece) ?? 0;
    if (served && times < MAX_METADATA_SERVES) served.set(piece, times + 1);
    const payload =
      bytes && served && times < MAX_METADATA_SERVES
        ? encodeMetadataMessage({
            msgType: 'data',
            piece,
            totalSize: bytes.length,
            data: bytes.subarray(start, Math.min(bytes.length, start + METADATA_PIECE_SIZE)),
          })
        : encodeMetadataMessage({ msgType: 'reject', piece });
    this.ports.send(peer, { type: 'extended', id, payload });
  }

  /** The digest of the assembled dictionary: the info when it is the torrent's (the exchange is then over);
   * otherwise undefined, and the fetch starts over without the peer that alone sent it. */
  hashed(digest: Uint8Array, now: number): TorrentInfo | undefined {
    if (this.ports.info()) return undefined;
    const bytes = this.fetch.verifying ? this.fetch.assembled : undefined;
    let info: TorrentInfo | undefined;
    if (bytes && bytesEqual(digest, this.check.expected)) {
      try {
        info = this.check.parse(bytes);
      } catch (error) {
        // It hashes to the info hash but is not a valid info dictionary, or one over our bounds (whose words are the
        // user's): nobody can give us a better one.
        this.ports.fail(
          error instanceof TorrentTooLargeError
            ? error.message
            : `invalid metadata: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    }
    if (!info) {
      const contributors = this.fetch.failed();
      if (contributors.length === 1) {
        const peer = this.ports.peer(contributors[0]);
        if (peer) this.ports.close(peer, 'sent metadata that does not match the info hash');
      }
      this.requestFromAll(now);
      return undefined;
    }
    this.fetch.finish();
    return info;
  }

  /** Expired requests go to other peers; resting peers are asked again once their rest is over. */
  tick(now: number): void {
    this.fetch.expire(now, METADATA_TIMEOUT_MS);
    this.requestFromAll(now);
  }

  peerGone(key: PeerKey, now: number): void {
    this.served.delete(key);
    this.fetch.peerGone(key);
    if (!this.ports.info()) this.requestFromAll(now);
  }
}
