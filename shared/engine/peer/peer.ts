// One connected peer, in parts, each written by one room and read by all through the getters here:
// - `wire` (peer-wire.ts): what the handshakes told us, and the connection's clock;
// - `choke` (peer-choke.ts): choking both ways and its interest, written by the choke rounds and its messages;
// - `download` (peer-download.ts): our interest in it, the snub clock and what it sent us, written by the downloader;
// - `upload` (upload-queue.ts): what it asked us for, its upload budget and what we sent it, written by the uploader;
// - `pending` (pending-has.ts): what it said it has before we knew the torrent;
// - `budget` (message-budget.ts) and `opening` (opening.ts): the work its messages may cause, and their order.
// What it has and what we asked it for, once the torrent is known, are the picker's (picker.ts).
import { WireDecoder } from '../../codec/wire';
import { PeerChoke } from './peer-choke';
import { PeerDownload } from './peer-download';
import { WireState } from './peer-wire';
import { PendingHas } from './pending-has';
import { MessageBudget } from './message-budget';
import { OpeningRule } from './opening';
import type { RateMeter } from './rate';
import type { PeerKey, WorkBudget } from '../contract/engine-types';
import type { UploadQueue } from './upload-queue';

/** Blocks we asked a peer for and have not seen arrive are remembered up to this many times the deepest pipeline
 * (the picker's `askedLimit`), so that a block already on its way after a cancel, choke or timeout is not mistaken
 * for one nobody asked for. */
export const ASKED_SLACK = 4;

export class PeerState {
  readonly key: PeerKey;
  /** Connection order among the session's peers. */
  readonly order: number;
  readonly decoder = new WireDecoder({ expectHandshake: true });
  readonly connectedAt: number;
  /** What the adapter knows of the connection beyond the peer id (e.g. `ip:…`, `dtls:…`): bans hold for these too. */
  readonly identities: readonly string[];

  readonly wire: WireState;
  readonly choke = new PeerChoke();
  readonly download: PeerDownload;
  /** Requests it made to us: queued, being read, and its upload budget (the uploader's state). */
  readonly upload: UploadQueue;
  readonly pending = new PendingHas();
  /** The work its messages may still cause (charged by the session as they come). */
  readonly budget: MessageBudget;
  readonly opening = new OpeningRule();

  constructor(
    key: PeerKey,
    order: number,
    now: number,
    upload: UploadQueue,
    identities: readonly string[] = [],
    work?: WorkBudget,
  ) {
    this.key = key;
    this.order = order;
    this.upload = upload;
    this.identities = identities;
    this.connectedAt = now;
    this.wire = new WireState(now);
    this.download = new PeerDownload(now);
    this.budget = new MessageBudget(now, work);
  }

  // --- the wire
  get handshaken(): boolean {
    return this.wire.handshaken;
  }
  get peerId(): Uint8Array | undefined {
    return this.wire.peerId;
  }
  get peerIdHex(): string {
    return this.wire.peerIdHex;
  }
  get extended(): boolean {
    return this.wire.extended;
  }
  get fast(): boolean {
    return this.wire.fast;
  }
  get v2(): boolean {
    return this.wire.v2;
  }
  get client(): string {
    return this.wire.client;
  }
  get reqq(): number | undefined {
    return this.wire.reqq;
  }
  get utMetadata(): number | undefined {
    return this.wire.utMetadata;
  }
  get lastReceived(): number {
    return this.wire.lastReceived;
  }
  get lastSent(): number {
    return this.wire.lastSent;
  }

  // --- choking
  get amChoking(): boolean {
    return this.choke.amChoking;
  }
  get peerChoking(): boolean {
    return this.choke.peerChoking;
  }
  get peerInterested(): boolean {
    return this.choke.peerInterested;
  }
  get lastUnchokedAt(): number | undefined {
    return this.choke.lastUnchokedAt;
  }
  get spread(): boolean {
    return this.choke.spread;
  }

  // --- the download side
  get amInterested(): boolean {
    return this.download.amInterested;
  }
  get lastBlockAt(): number {
    return this.download.lastBlockAt;
  }
  get waiting(): boolean {
    return this.download.waiting;
  }
  get snubbed(): boolean {
    return this.download.snubbed;
  }
  get downloaded(): number {
    return this.download.downloaded;
  }
  get piecesReceived(): number {
    return this.download.piecesReceived;
  }
  get down(): RateMeter {
    return this.download.down;
  }
  get downSlow(): RateMeter {
    return this.download.downSlow;
  }

  // --- the upload side
  get backlogged(): boolean {
    return this.upload.backlogged;
  }
  get uploaded(): number {
    return this.upload.uploaded;
  }
  get up(): RateMeter {
    return this.upload.up;
  }
  get upSlow(): RateMeter {
    return this.upload.upSlow;
  }
}
