// Which room each message from a peer goes to: what it has and its choke to the downloader (or, before we know the
// torrent, to what it said it has, pending-has.ts), requests to the uploader, its interest to the choke rounds,
// extended messages to the metadata exchange, BEP 52 hash messages to the hash exchange; blocks to the session's
// received-block path.
import type { WireMessage } from '../../codec/wire';
import type { ChokeRounds } from '../upload/choke-rounds';
import type { Downloader } from '../download/downloader';
import type { ForwardingLedger } from '../choke/forwarding';
import type { HashExchange } from '../v2/hash-exchange';
import type { MetadataExchange } from '../metadata/metadata-exchange';
import type { PeerState } from '../peer/peer';
import { acceptExtendedHandshake, needsFast } from '../peer/peer-wire';
import type { Uploader } from '../upload/uploader';

/** The rooms messages go to (the download and serving rooms from the moment the info is known). */
export interface MessageRooms {
  downloader(): Downloader | undefined;
  uploader(): Uploader | undefined;
  /** The BEP 52 hash messages (only a session that speaks v2 has them). */
  hashes(): HashExchange | undefined;
  readonly chokes: ChokeRounds;
  readonly metadata: MetadataExchange;
  readonly forwarding: ForwardingLedger;
  /** The peer is still connected. */
  connected(peer: PeerState): boolean;
  close(peer: PeerState, reason: string): void;
  /** A block arrived (the session's received-block path). */
  piece(peer: PeerState, index: number, begin: number, block: Uint8Array): void;
}

/** Hands one message from a peer to its room. */
export function routeMessage(rooms: MessageRooms, peer: PeerState, message: WireMessage, now: number): void {
  if (needsFast(message) && !peer.fast) {
    return rooms.close(peer, `${message.type} without the fast extension`);
  }
  const downloader = rooms.downloader();
  const uploader = rooms.uploader();
  switch (message.type) {
    case 'keep-alive':
    case 'port':
    case 'have-none': // it has nothing (the default)
    case 'suggest-piece': // hints we do not use
    case 'allowed-fast':
      return;
    case 'choke':
      if (!peer.choke.setPeerChoking(true)) return;
      downloader?.onChoke(peer);
      return;
    case 'unchoke':
      if (!peer.choke.setPeerChoking(false)) return;
      downloader?.onUnchoke(peer, now);
      return;
    case 'interested':
    case 'not-interested':
      return rooms.chokes.onInterest(peer, message.type === 'interested', now);
    case 'have':
      rooms.chokes.spreadChanged(peer.spread);
      if (downloader) {
        downloader.onHave(peer, message.index, now);
        if (rooms.connected(peer)) rooms.forwarding.have(peer.key, message.index);
        return;
      }
      if (!peer.pending.have(message.index))
        return rooms.close(peer, `have ${message.index} beyond any torrent`);
      return;
    case 'bitfield':
      rooms.chokes.spreadChanged(peer.spread);
      if (downloader) {
        downloader.onBitfield(peer, message.bytes, now);
        // A v2 peer with pieces can send the piece layers we lack: asked now, before its first blocks arrive.
        if (rooms.connected(peer)) rooms.hashes()?.ask(now);
        return;
      }
      if (!peer.pending.bitfield(message.bytes)) return rooms.close(peer, 'bitfield too large');
      return;
    case 'have-all':
      rooms.chokes.spreadChanged(peer.spread);
      if (downloader) {
        downloader.onHaveAll(peer, now);
        if (rooms.connected(peer)) rooms.hashes()?.ask(now);
        return;
      }
      peer.pending.haveAll();
      return;
    case 'reject-request':
      return downloader?.onReject(peer, message, now);
    case 'request':
      if (!uploader) return rooms.close(peer, 'request before we have the metadata');
      return uploader.onRequest(peer, message, now);
    case 'cancel':
      return uploader?.onCancel(peer, message, now);
    case 'piece':
      return rooms.piece(peer, message.index, message.begin, message.block);
    case 'extended':
      if (!peer.extended) return rooms.close(peer, 'extended message without the extension protocol');
      if (message.id === 0) acceptExtendedHandshake(peer, message.payload);
      return rooms.metadata.onExtended(peer, message.id, message.payload, now);
    case 'hash-request':
    case 'hashes':
    case 'hash-reject': {
      const hashes = rooms.hashes();
      if (!hashes) return rooms.close(peer, `${message.type} though we did not announce BitTorrent v2`);
      if (!peer.v2) return rooms.close(peer, `${message.type} without BitTorrent v2 in its handshake`);
      return hashes.onMessage(peer, message, now);
    }
  }
}
