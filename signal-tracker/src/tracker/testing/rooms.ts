// What the tests of the tracker's rooms share: a connection that records what it is sent, the rooms of a tracker
// with chosen limits, and client messages as the parser makes them.
import type { AnnounceMessage, AnswerMessage } from '../../../../shared/codec/tracker-protocol';
import { newCounters } from '../counters';
import { resolveLimits, type TrackerLimits } from '../limits';
import { createRooms, type TrackerRooms } from '../rooms';
import type { Connection, Session } from '../socket-session';

export type Sent = Record<string, unknown>;

export class RecordingConnection implements Connection {
  sent: Sent[] = [];
  closedWith: { code: number; reason: string } | null = null;
  backlog = 0;
  deliver(message: object): void {
    this.sent.push(JSON.parse(JSON.stringify(message)) as Sent);
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
  unsentBytes(): number {
    return this.backlog;
  }
  /** Everything sent since the last take. */
  take(): Sent[] {
    const all = this.sent;
    this.sent = [];
    return all;
  }
}

/** The rooms of one tracker: interval 10 s, offers live 50 s, random choice fixed at 0. */
export function testRooms(limits: Partial<TrackerLimits> = {}): TrackerRooms {
  return createRooms({
    limits: resolveLimits(limits),
    counters: newCounters(),
    intervalSeconds: 10,
    offerTtlMs: 50_000,
    announceDeadlineMs: 30_000,
    random: () => 0,
  });
}

/** A connection of `rooms` from `address`, with what it is sent. */
export function connectTo(rooms: TrackerRooms, address = '10.0.0.1', now = 0) {
  const connection = new RecordingConnection();
  const session = rooms.admission.connect(connection, address, now)!;
  return { connection, session };
}

export const hash = (tag: string) => tag.padEnd(19, '.') + '\xa1';
export const peerId = (tag: string) => `-WW0300-${tag}`.padEnd(19, '.') + '\xfe';

/** An announce as parseClientMessage makes it. */
export function announceMessage(
  infoHash: string,
  id: string,
  extra: Partial<AnnounceMessage> = {},
): AnnounceMessage {
  return {
    kind: 'announce',
    infoHash,
    peerId: id,
    event: 'started',
    left: 100,
    uploaded: 0,
    downloaded: 0,
    numwant: 0,
    offers: [],
    ...extra,
  } as AnnounceMessage;
}

/** `count` offers as an announce carries them. */
export function offers(tag: string, count: number): AnnounceMessage['offers'] {
  return Array.from({ length: count }, (_, i) => ({
    offer_id: `${tag}-${i}`.padEnd(20, '#'),
    offer: { type: 'offer', sdp: 'v=0' },
  })) as AnnounceMessage['offers'];
}

/** An answer as parseClientMessage makes it. */
export function answerMessage(infoHash: string, from: string, to: string, offerId: string): AnswerMessage {
  return {
    kind: 'answer',
    infoHash,
    peerId: from,
    toPeerId: to,
    offerId,
    answer: { type: 'answer', sdp: 'v=0' },
  } as AnswerMessage;
}

/** Announces `session`'s peer `id` in `infoHash` straight into the registry. */
export function join(rooms: TrackerRooms, session: Session, infoHash: string, id: string, now = 0) {
  return rooms.swarms.join(session, infoHash, id, announceMessage(infoHash, id), now);
}
