// The messages one turn of the event loop sends to other processes of the cluster, by process: once the turn's I/O
// is handled, each process's messages leave as one batch (message-codec.ts) in one PUBLISH, so a process whose
// announces send ten offers across, and whose peers answer ten offers from across, pays one command and one
// delivery for all of them instead of one each.
import type { ClusterMessage } from './directory';
import { encodeBatches } from './message-codec';

/**
 * Messages one turn may queue, to all processes together; past it a message is dropped (and counted as left out).
 * A turn's messages come from what its connections sent within their own limits, so an honest turn stays far
 * below; the bound holds the queue's memory whatever happens within a turn.
 */
export const MAX_QUEUED_PER_TURN = 65_536;

export class ClusterOutbox {
  private queued = new Map<string, ClusterMessage[]>();
  private count = 0;
  private scheduled = false;

  /**
   * `publish` sends one batch to a process's inbox (its failure drops the batch: those offers go unanswered, as
   * ones lost in transit); `onSkipped` hears of messages left out for a field over its limit.
   */
  constructor(
    private readonly publish: (process: string, batch: Buffer) => Promise<unknown>,
    private readonly onSkipped: (count: number) => void = () => {},
  ) {}

  /** Queues a message for `process`; the turn's messages leave together after its I/O. */
  add(process: string, message: ClusterMessage): void {
    if (this.count >= MAX_QUEUED_PER_TURN) {
      this.onSkipped(1);
      return;
    }
    this.count++;
    let messages = this.queued.get(process);
    if (!messages) {
      messages = [];
      this.queued.set(process, messages);
    }
    messages.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Publishes what is queued, a batch (or a few, for a turn past a batch's limits) per process. */
  flush(): void {
    this.scheduled = false;
    const queued = this.queued;
    this.queued = new Map();
    this.count = 0;
    for (const [process, messages] of queued) {
      const { batches, skipped } = encodeBatches(messages);
      if (skipped > 0) this.onSkipped(skipped);
      for (const batch of batches) void this.publish(process, batch).catch(() => undefined);
    }
  }
}
