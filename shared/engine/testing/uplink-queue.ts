// The queue in front of a host's uplink (a home router's), first in, first out. The host's transports hand it their
// messages as fast as it takes them, as a loss-based sender (SCTP, TCP) grows its window until that queue overflows:
// it holds what the host has to send, up to its depth (`queueMs` at the link's rate), and what does not fit waits in
// the transports' own buffers. So a message waits behind everything the host handed over before it: a request from a
// backlogged host as long as a block, but never longer than that host's own backlog. A depth of 0 is no queue: the
// link takes one message at a time and the next is chosen only when it is free.

export class UplinkQueue<T> {
  /** Depth, bytes. */
  readonly capacity: number;
  private readonly items: { item: T; size: number }[] = [];
  private head = 0;
  private held = 0;

  constructor(queueMs: number, upload: number) {
    if (!(queueMs >= 0) || !Number.isFinite(queueMs)) throw new RangeError(`invalid queue ${queueMs} ms`);
    this.capacity = (queueMs * upload) / 1000;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.held;
  }

  get empty(): boolean {
    return this.head === this.items.length;
  }

  /**
   * Whether a message of `size` bytes can be handed over now: it fits in the room left, or the queue is empty and
   * the link idle (a message larger than the whole queue still leaves, alone).
   */
  takes(size: number, linkBusy: boolean): boolean {
    return this.held + size <= this.capacity || (this.empty && !linkBusy);
  }

  push(item: T, size: number): void {
    this.items.push({ item, size });
    this.held += size;
  }

  /** The oldest message, which now begins to leave. */
  shift(): T | undefined {
    if (this.empty) return undefined;
    const { item, size } = this.items[this.head++];
    this.held -= size;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  /** Everything held is lost (the host crashed). */
  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.held = 0;
  }
}
