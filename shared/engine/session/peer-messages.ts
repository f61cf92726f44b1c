// Which room each message from a peer goes to: what it has and its choke to the downloader (or, before we know the
// torrent, to what it said it has, pending-has.ts), requests to the uploader, its interest to the choke rounds,
// extended messages to the metadata exchange (sd_pex ones to peer exchange), BEP 52 hash messages to the hash exchange; blocks to the session's
// received-block path. Each message is first charged to the peer's work budget, and its pieces message held to the
// order rule.
import type { WireMessage } from '../../codec/wire';
import type { ChokeRounds } from '../upload/choke-rounds';
import type { Downloader } from '../download/downloader';
import type { ForwardingLedger } from '../choke/forwarding';
import type { HashExchange } from '../v2/hash-exchange';
import type { MetadataExchange } from '../metadata/metadata-exchange';
import type { PeerExchange } from '../pex/exchange';
import type { PeerState } from '../peer/peer';
import { SD_PEX_ID, acceptExtendedHandshake, needsFast } from '../peer/peer-wire';
import type { Uploader } from '../upload/uploader';
import { isPiecesMessage } from '../peer/opening';
import { messageCost, type WorkContext } from './message-cost';

/** Why a peer over its work budget is closed. */
export const OVER_BUDGET = 'sent more messages than any peer needs (over its work budget)';

/** The rooms messages go to (the download and serving rooms from the moment the info is known). */
export interface MessageRooms {
  downloader(): Downloader | undefined;
  uploader(): Uploader | undefined;
  /** The BEP 52 hash messages (only a session that speaks v2 has them). */
  hashes(): HashExchange | undefined;
  readonly chokes: ChokeRounds;
  readonly metadata: MetadataExchange;
  /** Peer exchange (sd_pex), when it is on. */
  readonly pex: PeerExchange | undefined;
  readonly forwarding: ForwardingLedger;
  /** The peer is still connected. */
  connected(peer: PeerState): boolean;
  close(peer: PeerState, reason: string): void;
  /** What a message's work depends on (message-cost.ts). */
  work(peer: PeerState): WorkContext;
  /** A block arrived (the session's received-block path). */
  piece(peer: PeerState, index: number, begin: number, block: Uint8Array): void;
  /** Each message its room took, from a peer still connected after it (super-seeding follows the `have`s). */
  heard?(peer: PeerState, message: WireMessage): void;
}

type MessageOf<T extends WireMessage['type']> = Extract<WireMessage, { type: T }>;

/** What one kind of message does: its room, given the rooms, the peer and the clock. */
type MessageHandler<T extends WireMessage['type']> = (
  rooms: MessageRooms,
  peer: PeerState,
  message: MessageOf<T>,
  now: number,
) => void;

/** Messages with nothing to do: keep-alives, a DHT port, `have-none` (nothing is the default), hints we do not use. */
const ignore = (): void => {};

function onChoke(rooms: MessageRooms, peer: PeerState): void {
  if (!peer.choke.setPeerChoking(true)) return;
  rooms.downloader()?.onChoke(peer);
}

function onUnchoke(rooms: MessageRooms, peer: PeerState, _: WireMessage, now: number): void {
  if (!peer.choke.setPeerChoking(false)) return;
  rooms.downloader()?.onUnchoke(peer, now);
}

function onInterest(rooms: MessageRooms, peer: PeerState, message: WireMessage, now: number): void {
  rooms.chokes.onInterest(peer, message.type === 'interested', now);
}

function onHave(rooms: MessageRooms, peer: PeerState, message: MessageOf<'have'>, now: number): void {
  rooms.chokes.spreadChanged(peer.spread);
  const downloader = rooms.downloader();
  if (downloader) {
    downloader.onHave(peer, message.index, now);
    if (rooms.connected(peer)) rooms.forwarding.have(peer.key, message.index);
    return;
  }
  if (!peer.pending.have(message.index)) rooms.close(peer, `have ${message.index} beyond any torrent`);
}

function onBitfield(rooms: MessageRooms, peer: PeerState, message: MessageOf<'bitfield'>, now: number): void {
  rooms.chokes.spreadChanged(peer.spread);
  const downloader = rooms.downloader();
  if (downloader) {
    downloader.onBitfield(peer, message.bytes, now);
    // A v2 peer with pieces can send the piece layers we lack: asked now, before its first blocks arrive.
    if (rooms.connected(peer)) rooms.hashes()?.ask(now);
    return;
  }
  if (!peer.pending.bitfield(message.bytes)) rooms.close(peer, 'bitfield too large');
}

function onHaveAll(rooms: MessageRooms, peer: PeerState, _: WireMessage, now: number): void {
  rooms.chokes.spreadChanged(peer.spread);
  const downloader = rooms.downloader();
  if (downloader) {
    downloader.onHaveAll(peer, now);
    if (rooms.connected(peer)) rooms.hashes()?.ask(now);
    return;
  }
  peer.pending.haveAll();
}

function onRequest(rooms: MessageRooms, peer: PeerState, message: MessageOf<'request'>, now: number): void {
  const uploader = rooms.uploader();
  if (!uploader) return rooms.close(peer, 'request before we have the metadata');
  uploader.onRequest(peer, message, now);
}

function onExtended(rooms: MessageRooms, peer: PeerState, message: MessageOf<'extended'>, now: number): void {
  if (!peer.extended) return rooms.close(peer, 'extended message without the extension protocol');
  if (message.id === SD_PEX_ID && rooms.pex) return rooms.pex.onMessage(peer, message.payload, now);
  if (message.id === 0) acceptExtendedHandshake(peer, message.payload);
  rooms.metadata.onExtended(peer, message.id, message.payload, now);
  if (message.id === 0 && rooms.connected(peer)) rooms.pex?.extendedHandshake(peer, now);
}

function onHashMessage(
  rooms: MessageRooms,
  peer: PeerState,
  message: MessageOf<'hash-request' | 'hashes' | 'hash-reject'>,
  now: number,
): void {
  const hashes = rooms.hashes();
  if (!hashes) return rooms.close(peer, `${message.type} though we did not announce BitTorrent v2`);
  if (!peer.v2) return rooms.close(peer, `${message.type} without BitTorrent v2 in its handshake`);
  hashes.onMessage(peer, message, now);
}

/** Each kind of message and its room. */
const HANDLERS: { [T in WireMessage['type']]: MessageHandler<T> } = {
  'keep-alive': ignore,
  port: ignore,
  'have-none': ignore,
  'suggest-piece': ignore,
  'allowed-fast': ignore,
  choke: onChoke,
  unchoke: onUnchoke,
  interested: onInterest,
  'not-interested': onInterest,
  have: onHave,
  bitfield: onBitfield,
  'have-all': onHaveAll,
  'reject-request': (rooms, peer, message, now) => rooms.downloader()?.onReject(peer, message, now),
  request: onRequest,
  cancel: (rooms, peer, message, now) => rooms.uploader()?.onCancel(peer, message, now),
  piece: (rooms, peer, message) => rooms.piece(peer, message.index, message.begin, message.block),
  extended: onExtended,
  'hash-request': onHashMessage,
  hashes: onHashMessage,
  'hash-reject': onHashMessage,
};

/** Hands one message from a peer to its room, once it keeps the order rule (opening.ts) and its work budget
 * (message-budget.ts) pays for it. */
export function routeMessage(rooms: MessageRooms, peer: PeerState, message: WireMessage, now: number): void {
  if (needsFast(message) && !peer.fast) {
    return rooms.close(peer, `${message.type} without the fast extension`);
  }
  const outOfOrder = peer.opening.see(message);
  if (outOfOrder) return rooms.close(peer, outOfOrder);
  const cost = messageCost(message, rooms.work(peer));
  if (!peer.budget.charge(cost, now, isPiecesMessage(message))) return rooms.close(peer, OVER_BUDGET);
  (HANDLERS[message.type] as MessageHandler<WireMessage['type']>)(rooms, peer, message, now);
  if (rooms.connected(peer)) rooms.heard?.(peer, message);
}
