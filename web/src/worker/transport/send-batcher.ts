// The worker's bytes for peers, batched: every `send` of one task goes to the main thread in one `sends` post, and a
// peer's consecutive sends of that task (the `piece` messages answering a run of requests) are joined into one
// buffer of at most MAX_BATCH_BYTES, which the main thread hands to the data channel as one message. Per block this
// removes a postMessage, a message event on the main thread and the channel writer's merge copy there.
import { concatBytes } from '../../../../shared/codec/bytes';
import type { WorkerToMain } from '../../lib/messages/protocol';
import { deferTask, MAX_MESSAGE_BYTES, type Defer } from '../../lib/messages/task';
import type { PostToPage } from './post-to-page';

/** One data channel message at most: a batch is never split on its way to the channel. */
export const MAX_BATCH_BYTES = MAX_MESSAGE_BYTES;

type Send = Extract<WorkerToMain, { type: 'send' }>;

interface PeerBatch {
  infoHashHex: string;
  peer: string;
  parts: ArrayBuffer[];
  bytes: number;
}

export class SendBatcher {
  /** Sends waiting for the end of the task, in order; a peer's run is joined when it is flushed. */
  private readonly batches: PeerBatch[] = [];
  /** Each peer's latest batch (by torrent and peer key). */
  private readonly latest = new Map<string, PeerBatch>();
  private scheduled = false;

  constructor(
    private readonly out: PostToPage,
    private readonly defer: Defer = deferTask(),
  ) {}

  /** The post the worker's client uses: `send`s wait for the end of the task, anything else flushes them first (a
   * `close` must follow the peer's last bytes). */
  readonly post: PostToPage = (message, transfer) => {
    if (message.type === 'send') {
      this.add(message);
      return;
    }
    this.flush();
    this.out(message, transfer);
  };

  /** Bytes waiting (for tests). */
  get pendingBytes(): number {
    let bytes = 0;
    for (const batch of this.batches) bytes += batch.bytes;
    return bytes;
  }

  private add(message: Send): void {
    const size = message.data.byteLength;
    // A peer's bytes join its latest batch while it fits, else start a new one behind every batch waiting.
    const key = `${message.infoHashHex}|${message.peer}`;
    let batch = this.latest.get(key);
    if (!batch || batch.bytes + size > MAX_BATCH_BYTES) {
      batch = { infoHashHex: message.infoHashHex, peer: message.peer, parts: [], bytes: 0 };
      this.batches.push(batch);
      this.latest.set(key, batch);
    }
    batch.parts.push(message.data);
    batch.bytes += size;
    if (!this.scheduled) {
      this.scheduled = true;
      this.defer(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Posts every waiting batch now, in one message. */
  flush(): void {
    if (this.batches.length === 0) return;
    const sends: Array<{ infoHashHex: string; peer: string; data: ArrayBuffer }> = [];
    const transfer: ArrayBuffer[] = [];
    this.latest.clear();
    for (const batch of this.batches.splice(0)) {
      const data = concatBytes(batch.parts.map((part) => new Uint8Array(part))).buffer as ArrayBuffer;
      sends.push({ infoHashHex: batch.infoHashHex, peer: batch.peer, data });
      transfer.push(data);
    }
    this.out({ type: 'sends', sends }, transfer);
  }
}
