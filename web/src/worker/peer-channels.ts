// The data channels the engine's worker holds: the page transferred each when it was created (see
// net/channel-transfer.ts) and keeps its RTCPeerConnection. Here each channel is read (its messages go to the
// engine as `peer-data`, without crossing the main thread) and written (the engine's `send`s go to its writer
// instead of the page). The page hears only that a channel opened or closed, which its stand-in tells simple-peer;
// the connection's own life (`peer-connected`, `peer-closed`) still comes from the page as before.
//
// Every other message passes through unchanged: a connection whose channel stays on the page is served as before.
import type { MainToWorker, WorkerToMain } from '../lib/messages/protocol';
import { openPeerWriter } from '../net/channel-transport';
import { RateLimiter, type ChannelWriter } from '../net/channel-writer';
import { UploadQueueReport } from '../net/upload-queue-report';

/** The channel's buffer refills from here: `bufferedamountlow` fires when it falls to this mark, as simple-peer
 * set it on the page (the writer tops the buffer up to its high-water mark, 256 KiB). */
export const LOW_WATER_BYTES = 64 * 1024;
/** What a channel may receive before the page names its connection (the other side's handshake, extended handshake
 * and bitfield are far less); past it the channel is closed rather than held. */
export const MAX_EARLY_BYTES = 4 * 1024 * 1024;

/** The parts of an RTCDataChannel the worker uses (tests pass a fake). */
export interface HeldChannel {
  readonly bufferedAmount: number;
  readonly readyState: string;
  binaryType: string;
  bufferedAmountLowThreshold: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(): void;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  removeEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
}

interface Held {
  readonly id: string;
  readonly channel: HeldChannel;
  open: boolean;
  /** The connection it serves, once the page said it opened. */
  peer?: { infoHashHex: string; peer: string; writer: ChannelWriter };
  /** What arrived before that (the other side may speak first), and its size. */
  early: ArrayBuffer[];
  earlyBytes: number;
}

export interface PeerChannelsOptions {
  /** To the page. */
  post: (message: WorkerToMain) => void;
  /** To the engine, as if the page had posted it (`peer-data`, `peer-backlog`). */
  deliver: (message: MainToWorker) => void;
}

const encoder = new TextEncoder();

export class PeerChannels {
  private readonly held = new Map<string, Held>();
  private readonly byPeer = new Map<string, Held>();
  /** The tab's upload limit, shared by the channels held here (the page's own limiter paces those it keeps). */
  readonly limiter = new RateLimiter(0);
  /** Per torrent, what its channels held here have not sent yet, reported to its engine as `upload-queue` (the
   * engine paces its upload to it, as the page's report does for channels it keeps). One per torrent bound here. */
  private readonly uploadQueues = new Map<string, UploadQueueReport>();

  constructor(private readonly options: PeerChannelsOptions) {}

  /** Channels held (for tests). */
  get size(): number {
    return this.held.size;
  }

  /** A channel the page just transferred. */
  adopt(id: string, channel: HeldChannel): void {
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    const held: Held = { id, channel, open: false, early: [], earlyBytes: 0 };
    this.held.set(id, held);
    channel.addEventListener('open', () => this.opened(held));
    channel.addEventListener('close', () => this.lost(held));
    channel.addEventListener('message', (event) => this.received(held, event.data));
    // Firefox hands over an answerer's channel already open.
    if (channel.readyState === 'open') this.opened(held);
    else if (channel.readyState === 'closed') this.lost(held);
  }

  /** The page's `peer-connected` named this channel (call after the engine was handed that message). */
  bind(infoHashHex: string, peer: string, id: string): void {
    const held = this.held.get(id);
    if (!held || held.peer) return;
    held.peer = {
      infoHashHex,
      peer,
      writer: openPeerWriter(held.channel, {
        limiter: this.limiter,
        onError: () => this.lost(held),
        report: (report) => this.options.deliver({ ...report, infoHashHex, peer }),
      }),
    };
    this.byPeer.set(peerKey(infoHashHex, peer), held);
    held.peer.writer.reportTo(this.uploadQueueOf(infoHashHex));
    for (const data of held.early.splice(0))
      this.options.deliver({ type: 'peer-data', infoHashHex, peer, data });
  }

  private uploadQueueOf(infoHashHex: string): UploadQueueReport {
    let report = this.uploadQueues.get(infoHashHex);
    if (!report) {
      report = new UploadQueueReport((bytes) =>
        this.options.deliver({ type: 'upload-queue', infoHashHex, bytes }),
      );
      this.uploadQueues.set(infoHashHex, report);
    }
    return report;
  }

  /**
   * The engine's message for the page: a `send` on a channel held here is written to it (true: nothing to post); a
   * `close` closes the channel here and still goes to the page, which closes the connection.
   */
  take(message: WorkerToMain): boolean {
    if (message.type !== 'send' && message.type !== 'close') return false;
    const held = this.byPeer.get(peerKey(message.infoHashHex, message.peer));
    if (!held) return false;
    if (message.type === 'close') {
      this.drop(held);
      return false;
    }
    held.peer!.writer.write(message.data);
    return true;
  }

  /** Drops a block's queued `piece` message to that peer, if its channel is held here and the message has not
   * gone to the channel yet (the engine's `retract`). */
  retract(infoHashHex: string, peer: string, index: number, begin: number, length: number): boolean {
    return this.byPeer.get(peerKey(infoHashHex, peer))?.peer?.writer.retract(index, begin, length) ?? false;
  }

  /** The page closed the connection. */
  closedByPage(id: string): void {
    const held = this.held.get(id);
    if (held) this.drop(held);
  }

  setUploadLimit(bytesPerSecond: number): void {
    this.limiter.setRate(bytesPerSecond);
  }

  private opened(held: Held): void {
    if (held.open || !this.held.has(held.id)) return;
    held.open = true;
    this.options.post({ type: 'channel-state', id: held.id, state: 'open' });
  }

  private received(held: Held, data: unknown): void {
    if (!this.held.has(held.id)) return;
    // Text is read as its UTF-8 bytes, as simple-peer's stream did on the page.
    const bytes =
      data instanceof ArrayBuffer
        ? data
        : typeof data === 'string'
          ? (encoder.encode(data).buffer as ArrayBuffer)
          : undefined;
    if (!bytes) return;
    if (!held.peer) {
      held.early.push(bytes);
      held.earlyBytes += bytes.byteLength;
      if (held.earlyBytes > MAX_EARLY_BYTES) this.lost(held);
      return;
    }
    const { infoHashHex, peer } = held.peer;
    this.options.deliver({ type: 'peer-data', infoHashHex, peer, data: bytes });
  }

  /** The channel closed or failed here: the page closes the connection (and says `peer-closed`). */
  private lost(held: Held): void {
    if (!this.held.has(held.id)) return;
    this.drop(held);
    this.options.post({ type: 'channel-state', id: held.id, state: 'closed' });
  }

  private drop(held: Held): void {
    this.held.delete(held.id);
    if (held.peer) {
      this.byPeer.delete(peerKey(held.peer.infoHashHex, held.peer.peer));
      held.peer.writer.close();
    }
    held.early.length = 0;
    held.earlyBytes = 0;
    try {
      held.channel.close();
    } catch {
      // already closed
    }
  }
}

function peerKey(infoHashHex: string, peer: string): string {
  return `${infoHashHex}|${peer}`;
}
