// The leaves of a cluster process that Redis did not take (it was unreachable): sent again once it is back, so a
// peer that left during an outage does not keep its claim in the cluster until it expires. A stranger can make
// connections leave, so the list is bounded; past the bound the oldest go, and their claims simply expire.

/** A peer that left this process, as the directory's leave names it. */
export interface Leave {
  infoHash: string;
  peerId: string;
  /** The connection that held it, as this process names it. */
  connection: string;
}

/** Leaves kept for Redis's return: about 150 B each. */
export const MAX_LOST_LEAVES = 4096;

export class LostLeaves {
  private list: Leave[] = [];

  constructor(private readonly max = MAX_LOST_LEAVES) {}

  get size(): number {
    return this.list.length;
  }

  /** Keeps a leave to send again; the oldest goes when the list is full. */
  add(leave: Leave): void {
    if (this.list.length >= this.max) this.list.shift();
    this.list.push(leave);
  }

  /** Every kept leave, oldest first; the list is empty afterwards. */
  take(): Leave[] {
    const all = this.list;
    this.list = [];
    return all;
  }
}
