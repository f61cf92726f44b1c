// What one peer's messages may make the engine do: a budget of work units a second, each message charged the work it
// causes (session/message-cost.ts), so that no stream of messages, however fast and in whatever order, costs the tab
// more than the budget. A work unit is one constant-time change of the engine's state (a picker count, a queue entry,
// a peer looked at by the choke policy). The budget refills with time passed in (sans-I/O); a peer that spends past
// it is closed.
import type { WorkBudget } from '../contract/engine-types';
import { MAX_PENDING_BYTES } from './pending-has';

/** Work units a peer may cause per second. An honest peer sending us 50 MB/s and asking as much of us sends about
 * 3,200 blocks (a unit each) and 3,200 requests (2 each) a second, and a have per piece it gets (2 each): some 10,000
 * units even with 16 KiB pieces; its chokes and interest change a few times a minute. */
export const PEER_WORK_PER_SECOND = 20_000;
/** Work units a peer may save up: two seconds of its budget, for bursts (a pipeline of requests at an unchoke). */
export const PEER_WORK_BURST = 2 * PEER_WORK_PER_SECOND;

/** What the first pieces message may cost without touching the budget: the largest bitfield any torrent we accept
 * has (MAX_PENDING_BYTES), one unit per piece it names, and one to route it. */
export const OPENING_ALLOWANCE = 1 + 8 * MAX_PENDING_BYTES;

export const DEFAULT_WORK_BUDGET: WorkBudget = { perSecond: PEER_WORK_PER_SECOND, burst: PEER_WORK_BURST };

/**
 * One peer's budget: a bucket of work units, full at first, refilled at `perSecond` up to `burst`. Its first pieces
 * message (a bitfield) is paid from a one-off allowance (OPENING_ALLOWANCE), since every peer sends one and the order
 * rule (opening.ts) lets none send a second.
 */
export class MessageBudget {
  private balance: number;
  private last: number;
  private opening = OPENING_ALLOWANCE;
  /** Work units charged in all: the budget's ledger. */
  spent = 0;

  constructor(
    now: number,
    private readonly budget: WorkBudget = DEFAULT_WORK_BUDGET,
  ) {
    this.balance = budget.burst;
    this.last = now;
  }

  /** Charges `units` at `now`; false when the peer is over its budget (it is closed). `opening`: its first pieces
   * message, paid from the one-off allowance first. */
  charge(units: number, now: number, opening = false): boolean {
    this.refill(now);
    this.spent += units;
    let due = units;
    if (opening) {
      const covered = Math.min(this.opening, due);
      this.opening = 0;
      due -= covered;
    }
    this.balance -= due;
    return this.balance >= 0;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.balance = Math.min(this.budget.burst, this.balance + (elapsed * this.budget.perSecond) / 1000);
  }
}
