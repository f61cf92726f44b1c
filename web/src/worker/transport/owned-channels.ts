// The data channels this worker holds: the page transferred each when it was created (see
// net/page/channel-transfer.ts) and keeps its RTCPeerConnection. Once the page names the connection a channel serves
// (`peer-connected`), the channel is that connection's transport: what arrives on it goes straight to the engine
// host's receiver, and the engine's bytes go straight to its writer. The page hears only that a channel opened or
// closed, which its stand-in tells simple-peer; the connection's own life (`peer-connected`, `peer-closed`) comes
// from the page.
import { openPeerWriter } from '../../net/channel-transport';
import { RateLimiter, type ChannelWriter } from '../../net/channel-writer';
import { UploadQueueReport } from '../../../../shared/host/upload-queue-report';
import { OWN_CLOCK } from '../../net/own-clock';
import type { PeerReceiver, PeerTransport } from '../../../../shared/host/peer-transport';
import type { PostToPage } from './post-to-page';

/** The channel's buffer refills from here: `bufferedamountlow` fires when it falls to this mark, as simple-peer
 * set it on the page (the writer tops the buffer up to its high-water mark, 256 KiB). */
export const LOW_WATER_BYTES = 64 * 1024;
/** What a channel may receive before the engine takes its connection (the other side's handshake, extended
 * handshake and bitfield are far less); past it the channel is closed rather than held. */
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
  /** The connection it serves, once the page named it. */
  transport?: OwnedChannelTransport;
  /** What arrived before the engine took the connection (the other side may speak first), and its size. */
  early: ArrayBuffer[];
  earlyBytes: number;
}

const encoder = new TextEncoder();

export class OwnedChannels {
  private readonly held = new Map<string, Held>();
  /** The tab's upload limit, shared by the channels held here (the page's own limiter paces those it keeps). */
  readonly limiter = new RateLimiter(0);
  /** Per torrent, what its channels held here have not sent yet, told to the receiver of its latest connection
   * (every receiver of a torrent leads to the same engine host). */
  private readonly uploadQueues = new Map<string, { report: UploadQueueReport; to?: PeerReceiver }>();

  constructor(
    /** To the page: a channel opened or closed, and the engine's closes of connections. */
    private readonly post: PostToPage,
  ) {}

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

  /** The transport of the connection the page named with this channel (one already gone: a closed transport). */
  transport(infoHashHex: string, peer: string, id: string): PeerTransport {
    const held = this.held.get(id);
    // Only the transport the channel serves reaches it (a second one for the same channel stays closed).
    const serves = (): boolean => held !== undefined && held.transport === transport;
    const transport: OwnedChannelTransport = new OwnedChannelTransport(infoHashHex, peer, this.post, {
      drop: () => serves() && this.drop(held!),
      receiving: (receiver) => serves() && this.receiving(held!, infoHashHex, receiver),
    });
    if (!held || held.transport) return transport;
    held.transport = transport;
    transport.writer = openPeerWriter(held.channel, {
      limiter: this.limiter,
      onError: () => this.lost(held),
      report: (report) => transport.receiver?.backlog(report.backlogged),
    });
    transport.writer.reportTo(this.uploadQueueOf(infoHashHex).report, peer);
    return transport;
  }

  /** The page closed the connection. */
  closedByPage(id: string): void {
    const held = this.held.get(id);
    if (held) this.drop(held);
  }

  setUploadLimit(bytesPerSecond: number): void {
    this.limiter.setRate(bytesPerSecond);
  }

  private uploadQueueOf(infoHashHex: string): { report: UploadQueueReport; to?: PeerReceiver } {
    let queue = this.uploadQueues.get(infoHashHex);
    if (!queue) {
      const created: { report: UploadQueueReport; to?: PeerReceiver } = {
        report: new UploadQueueReport((bytes, byPeer) => created.to?.uploadQueue(bytes, byPeer), OWN_CLOCK),
      };
      queue = created;
      this.uploadQueues.set(infoHashHex, queue);
    }
    return queue;
  }

  /** The engine took the connection: what arrived meanwhile goes to it first. */
  private receiving(held: Held, infoHashHex: string, receiver: PeerReceiver): void {
    this.uploadQueueOf(infoHashHex).to = receiver;
    const early = held.early.splice(0);
    held.earlyBytes = 0;
    for (const data of early) receiver.data(data);
  }

  private opened(held: Held): void {
    if (held.open || !this.held.has(held.id)) return;
    held.open = true;
    this.post({ type: 'channel-state', id: held.id, state: 'open' });
  }

  private received(held: Held, data: unknown): void {
    if (!this.held.has(held.id)) return;
    const bytes = messageBytes(data);
    if (!bytes) return;
    const receiver = held.transport?.receiver;
    if (receiver) {
      receiver.data(bytes);
      return;
    }
    held.early.push(bytes);
    held.earlyBytes += bytes.byteLength;
    if (held.earlyBytes > MAX_EARLY_BYTES) this.lost(held);
  }

  /** The channel closed or failed here: the page closes the connection (and says `peer-closed`). */
  private lost(held: Held): void {
    if (!this.held.has(held.id)) return;
    this.drop(held);
    this.post({ type: 'channel-state', id: held.id, state: 'closed' });
  }

  private drop(held: Held): void {
    if (!this.held.delete(held.id)) return;
    held.transport?.writer?.close();
    held.early.length = 0;
    held.earlyBytes = 0;
    try {
      held.channel.close();
    } catch {
      // already closed
    }
  }
}

/** A binary message as it came; text as its UTF-8 bytes, as simple-peer's stream read it on the page. */
function messageBytes(data: unknown): ArrayBuffer | undefined {
  if (data instanceof ArrayBuffer) return data;
  if (typeof data === 'string') return encoder.encode(data).buffer as ArrayBuffer;
  return undefined;
}

/** One connection's channel held by this worker, as the engine host uses it. */
class OwnedChannelTransport implements PeerTransport {
  writer: ChannelWriter | undefined;
  receiver: PeerReceiver | undefined;

  constructor(
    private readonly infoHashHex: string,
    private readonly peer: string,
    private readonly post: PostToPage,
    private readonly held: {
      drop: () => unknown;
      receiving: (receiver: PeerReceiver) => unknown;
    },
  ) {}

  send(data: ArrayBuffer): void {
    this.writer?.write(data);
  }

  retract(index: number, begin: number, length: number): boolean {
    return this.writer?.retract(index, begin, length) ?? false;
  }

  /** Closes the channel here; the page closes the connection (its stand-in's close then finds nothing to do). */
  close(reason: string): void {
    this.held.drop();
    this.post({ type: 'close', infoHashHex: this.infoHashHex, peer: this.peer, reason });
  }

  receive(receiver: PeerReceiver): void {
    if (this.receiver) return;
    this.receiver = receiver;
    this.held.receiving(receiver);
  }
}
