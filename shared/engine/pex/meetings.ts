// The meetings through the swarm under way: ours (we offered, through a neighbour that names the peer) and strangers'
// (an offer relayed to us, which we answer). Each ends with the connection's handshake, or is given up after
// MEET_TIMEOUT_MS; at most MAX_MEETINGS of ours and MAX_ANSWERING of theirs at once. A peer whose meeting failed rests
// for RETRY_MS before we try it again.
import type { PeerIdHex, PeerKey } from '../contract/engine-types';

export const MEET_TIMEOUT_MS = 30_000;
export const MAX_MEETINGS = 4;
export const MAX_ANSWERING = 8;
export const RETRY_MS = 60_000;
/** The most resting peers remembered (the oldest rest ends first). */
export const MAX_RESTING = 500;

/** making: the adapter is making our offer; offered: it went through `via`; asked: a stranger's offer came through
 * `via`; answered: the answer went (or came), the connection is being made. */
export type MeetingState = 'making' | 'offered' | 'asked' | 'answered';

export interface Meeting {
  readonly peer: PeerIdHex;
  readonly mine: boolean;
  state: MeetingState;
  via: PeerKey | undefined;
  /** Our offer, kept to send again through another neighbour when a relay refuses it. */
  offer: Uint8Array | undefined;
  /** The neighbours already asked to relay it. */
  readonly tried: Set<PeerKey>;
  readonly startedAt: number;
}

export class Meetings {
  private readonly meetings = new Map<PeerIdHex, Meeting>();
  /** Peers whose meeting failed: until when they rest. */
  private readonly resting = new Map<PeerIdHex, number>();
  private ours = 0;

  get(peer: PeerIdHex): Meeting | undefined {
    return this.meetings.get(peer);
  }

  get size(): number {
    return this.meetings.size;
  }

  /** Our meetings under way. */
  get mine(): number {
    return this.ours;
  }

  /** Strangers' offers we are answering. */
  get answering(): number {
    return this.meetings.size - this.ours;
  }

  values(): IterableIterator<Meeting> {
    return this.meetings.values();
  }

  /** Whether `peer` rests after a failed meeting. */
  rests(peer: PeerIdHex, now: number): boolean {
    const until = this.resting.get(peer);
    return until !== undefined && now < until;
  }

  /** We set out to meet `peer` (the adapter makes the offer). */
  start(peer: PeerIdHex, now: number): Meeting {
    return this.add({
      peer,
      mine: true,
      state: 'making',
      via: undefined,
      offer: undefined,
      tried: new Set(),
      startedAt: now,
    });
  }

  /** A stranger's offer came through `via`. */
  answer(peer: PeerIdHex, via: PeerKey, now: number): Meeting {
    return this.add({
      peer,
      mine: false,
      state: 'asked',
      via,
      offer: undefined,
      tried: new Set([via]),
      startedAt: now,
    });
  }

  /** The meeting with `peer` is over; `failed`: the peer rests before we try it again (`restMs`, default
   * RETRY_MS). */
  end(peer: PeerIdHex, now: number, failed: boolean, restMs = RETRY_MS): Meeting | undefined {
    const meeting = this.meetings.get(peer);
    if (!meeting) return undefined;
    this.meetings.delete(peer);
    if (meeting.mine) this.ours--;
    if (failed) this.rest(peer, now + restMs);
    return meeting;
  }

  /** The meetings past MEET_TIMEOUT_MS, ended as failed; resting peers whose rest is over are forgotten. */
  expire(now: number): Meeting[] {
    for (const [peer, until] of this.resting) if (now >= until) this.resting.delete(peer);
    const late = [...this.meetings.values()].filter((m) => now - m.startedAt >= MEET_TIMEOUT_MS);
    for (const meeting of late) this.end(meeting.peer, now, true);
    return late;
  }

  private add(meeting: Meeting): Meeting {
    this.meetings.set(meeting.peer, meeting);
    if (meeting.mine) this.ours++;
    return meeting;
  }

  private rest(peer: PeerIdHex, until: number): void {
    this.resting.delete(peer);
    if (this.resting.size >= MAX_RESTING) {
      const oldest = this.resting.keys().next().value;
      if (oldest !== undefined) this.resting.delete(oldest);
    }
    this.resting.set(peer, until);
  }
}
