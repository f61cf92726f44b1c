// What a tracker client does with each message its tracker sends: a failure shown on the torrents it names, an
// announce reply's interval, counts and alias, an offer answered (through a new peer), an answer handed to the offer
// it answers. Scrape replies and warnings change nothing.
import { binaryToHex, type ServerMessage } from '../../../../shared/codec/tracker-protocol';
import type { TrackerStatus } from '../../lib/links/trackers';
import type { Announcer, TrackerSocket } from './tracker-announcer';
import type { SignalPeer, TrackerHooks } from './tracker-hooks';
import { isPeerIdInUse } from './tracker-refusal';

/** The client's parts a reply acts on. */
export interface ReplyContext<P extends SignalPeer> {
  /** Whether the tracker names one of our torrents' peer ids. */
  isOwnPeerId(peerId: string): boolean;
  /** The tracker refused an announce of the announcer: another connection holds its peer id (tracker-renewal.ts). */
  peerIdInUse(socket: TrackerSocket<P>, announcer: Announcer<P>): void;
  readonly hooks: TrackerHooks<P>;
  setStatus(announcer: Announcer<P>, status: Omit<TrackerStatus, 'url'>): void;
  /** Sets the announcer's next announce after its interval. */
  schedule(socket: TrackerSocket<P>, announcer: Announcer<P>): void;
  /** A hybrid torrent's reply said whether the tracker serves both its hashes as one swarm. */
  followAlias(socket: TrackerSocket<P>, announcer: Announcer<P>, bound: boolean): void;
  send(socket: TrackerSocket<P>, message: Record<string, unknown>): void;
}

type Reply<K extends ServerMessage['kind']> = Extract<ServerMessage, { kind: K }>;

export function handleReply<P extends SignalPeer>(
  context: ReplyContext<P>,
  socket: TrackerSocket<P>,
  message: ServerMessage,
): void {
  switch (message.kind) {
    case 'failure':
      return onFailure(context, socket, message);
    case 'announce':
      return onAnnounceReply(context, socket, message);
    case 'offer':
      return onOffer(context, socket, message);
    case 'answer':
      return onAnswer(context, socket, message);
  }
}

function onFailure<P extends SignalPeer>(
  context: ReplyContext<P>,
  socket: TrackerSocket<P>,
  message: Reply<'failure'>,
): void {
  const targets = message.infoHash
    ? [socket.announcers.get(message.infoHash)].filter((a) => a !== undefined)
    : [...socket.announcers.values()];
  for (const announcer of targets) {
    if (message.infoHash && isPeerIdInUse(message.reason)) {
      context.peerIdInUse(socket, announcer);
      continue;
    }
    // Any other answer ends a claim's wait: a refusal the claim met for another reason must not hide later ones.
    announcer.claiming = false;
    context.setStatus(announcer, { state: 'failure', message: message.reason });
  }
}

function onAnnounceReply<P extends SignalPeer>(
  context: ReplyContext<P>,
  socket: TrackerSocket<P>,
  message: Reply<'announce'>,
): void {
  const announcer = socket.announcers.get(message.infoHash);
  if (!announcer) return;
  announcer.claiming = false;
  if (message.interval > 0) {
    const intervalMs = Math.max(message.interval, 5) * 1000;
    if (intervalMs !== announcer.intervalMs) {
      announcer.intervalMs = intervalMs;
      if (announcer.timer !== undefined) context.schedule(socket, announcer);
    }
  }
  if (message.complete !== undefined && message.incomplete !== undefined) announcer.countedAt = Date.now();
  context.setStatus(announcer, {
    state: 'connected',
    complete: message.complete,
    incomplete: message.incomplete,
  });
  context.followAlias(socket, announcer, message.alias !== undefined && message.alias === announcer.alias);
}

/** A remote peer's offer: answered through a new peer, unless the torrent takes no more or it is that peer again. */
function onOffer<P extends SignalPeer>(
  context: ReplyContext<P>,
  socket: TrackerSocket<P>,
  message: Reply<'offer'>,
): void {
  const announcer = socket.announcers.get(message.infoHash);
  if (!announcer || context.isOwnPeerId(message.peerId)) return;
  const remote = binaryToHex(message.peerId);
  if (!context.hooks.acceptsOffer(announcer.infoHashHex, remote)) return;
  const peer = context.hooks.createPeer(announcer.infoHashHex, false);
  if (!peer) return;
  if (!context.hooks.matched(announcer.infoHashHex, peer, remote, false)) {
    peer.destroy();
    return;
  }
  peer.once('signal', (answer) => {
    if (peer.destroyed) return;
    context.send(socket, {
      action: 'announce',
      info_hash: announcer.infoHashBinary,
      peer_id: announcer.peerId,
      to_peer_id: message.peerId,
      answer,
      offer_id: message.offerId,
    });
  });
  peer.signal(message.offer);
}

/** A remote peer's answer to one of our offers: the offer's peer takes it, unless refused. */
function onAnswer<P extends SignalPeer>(
  context: ReplyContext<P>,
  socket: TrackerSocket<P>,
  message: Reply<'answer'>,
): void {
  const announcer = socket.announcers.get(message.infoHash);
  const pending = announcer?.offers.get(message.offerId);
  if (!announcer || !pending) return;
  announcer.offers.delete(message.offerId);
  clearTimeout(pending.timer);
  const remote = binaryToHex(message.peerId);
  if (pending.peer.destroyed || !context.hooks.matched(announcer.infoHashHex, pending.peer, remote, true)) {
    pending.peer.destroy();
    return;
  }
  pending.peer.signal(message.answer);
}
