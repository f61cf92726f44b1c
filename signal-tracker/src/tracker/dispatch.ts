// One text frame from a connection, from its arrival to its handler: counted against the rate limits, its shape
// checked before it is parsed (a hostile frame costs no more than a valid one), parsed, and handed to the handler
// named by its kind. Never throws for anything a client sends.
import {
  parseClientMessage,
  type ClientMessage,
  type ClientMessageLimits,
} from '../../../shared/codec/tracker-protocol';
import { frameShapeError } from './frame-check';
import { announce } from './announce';
import { answer } from './answer';
import type { TrackerRooms } from './rooms';
import { scrape } from './scrape';
import type { Session } from './socket-session';
import { failure } from './replies';

type Handler<M extends ClientMessage> = (
  rooms: TrackerRooms,
  session: Session,
  message: M,
  now: number,
) => void;

/** The handler of each kind of client message. */
export const HANDLERS: { [K in ClientMessage['kind']]: Handler<Extract<ClientMessage, { kind: K }>> } = {
  announce,
  answer,
  scrape,
};

export function dispatchFrame(
  rooms: TrackerRooms,
  parseLimits: ClientMessageLimits,
  session: Session,
  text: string,
  now: number,
  bytes: number,
): void {
  if (!rooms.admission.admit(session, now, bytes)) return;
  const shape = frameShapeError(text);
  if (shape !== null) {
    rooms.counters.framesRefused++;
    rooms.admission.fail(session, failure(shape));
    return;
  }
  const parsed = parseClientMessage(text, parseLimits);
  if (!parsed.ok) {
    rooms.admission.fail(session, failure(parsed.error, parsed.action, parsed.infoHash));
    return;
  }
  const message = parsed.message;
  const handler = HANDLERS[message.kind] as Handler<ClientMessage>;
  handler(rooms, session, message, now);
}
