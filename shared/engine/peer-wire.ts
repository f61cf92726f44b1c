// The peer wire's own rules for one connection, apart from what the messages are about: the handshakes we send and
// the checks on the one we receive (BEP 3, 10 and 6), the messages only a fast-extension peer may send, and the
// connection clock (handshake and idle timeouts, keep-alives). The connection's state lives in `PeerState`.
import type { Bitfield } from '../bitfield';
import { encodeExtendedHandshake } from '../extension';
import type { WireMessage } from '../wire';
import { encodeHandshake, reservedBytes, supportsExtended, supportsFast } from '../wire';
import type { PeerState } from './peer';
import { OUR_REQQ } from './uploader';
import { bytesEqual } from './verify';

/** BEP 6 (fast extension) in our handshake: have-all/have-none, and explicit rejects instead of silent drops. */
export const ADVERTISE_FAST = true;
/** The extended message id we want ut_metadata under. */
export const UT_METADATA_ID = 3;

export interface Handshake {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  reserved: Uint8Array;
}

/** Who we are, for checking a handshake. */
export interface WireIdentity {
  infoHash: Uint8Array;
  peerId: Uint8Array;
}

export function ourHandshake(us: WireIdentity): Uint8Array {
  return encodeHandshake({
    infoHash: us.infoHash,
    peerId: us.peerId,
    reserved: reservedBytes({ extended: true, fast: ADVERTISE_FAST }),
  });
}

/** Why a handshake is refused, or undefined when it is accepted. */
export function refuseHandshake(
  handshake: Handshake,
  us: WireIdentity,
  known: { banned(peerIdHex: string): boolean; connected(peerIdHex: string): boolean },
  peerIdHex: string,
): string | undefined {
  if (!bytesEqual(handshake.infoHash, us.infoHash)) return 'wrong info hash';
  if (bytesEqual(handshake.peerId, us.peerId)) return 'connected to ourselves';
  if (known.banned(peerIdHex)) return 'banned peer';
  if (known.connected(peerIdHex)) return 'duplicate connection';
  return undefined;
}

/** Records an accepted handshake on the connection. */
export function acceptHandshake(peer: PeerState, handshake: Handshake, peerIdHex: string): void {
  peer.handshaken = true;
  peer.peerId = handshake.peerId;
  peer.peerIdHex = peerIdHex;
  peer.extended = supportsExtended(handshake.reserved);
  peer.fast = ADVERTISE_FAST && supportsFast(handshake.reserved);
}

/** Our BEP 10 handshake: ut_metadata, the metadata's size once we have it, our client and request queue. */
export function ourExtendedHandshake(metadataSize: number | undefined, client: string): WireMessage {
  const payload = encodeExtendedHandshake({
    m: { ut_metadata: UT_METADATA_ID },
    metadataSize,
    client,
    reqq: OUR_REQQ,
  });
  return { type: 'extended', id: 0, payload };
}

/** What we tell a peer we have, right after the handshake (nothing to say: undefined). */
export function ourPieces(
  peer: PeerState,
  have: Bitfield | undefined,
  haveCount: number,
): WireMessage | undefined {
  if (have && haveCount > 0) {
    if (peer.fast && haveCount === have.length) return { type: 'have-all' };
    return { type: 'bitfield', bytes: have.bytes };
  }
  return peer.fast ? { type: 'have-none' } : undefined;
}

/** Messages that only a peer which negotiated the fast extension may send (BEP 6: from others they close the
 * connection). */
export function needsFast(message: WireMessage): boolean {
  switch (message.type) {
    case 'have-all':
    case 'have-none':
    case 'reject-request':
    case 'suggest-piece':
    case 'allowed-fast':
      return true;
    default:
      return false;
  }
}

export interface WireTimers {
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveMs: number;
}

/** What the connection's clock asks for now: closing it (with the reason), a keep-alive, or nothing. */
export function connectionDue(
  peer: PeerState,
  now: number,
  timers: WireTimers,
): { close: string } | 'keep-alive' | undefined {
  if (!peer.handshaken && now - peer.connectedAt >= timers.handshakeTimeoutMs)
    return { close: 'handshake timeout' };
  if (now - peer.lastReceived >= timers.idleTimeoutMs) return { close: 'idle timeout' };
  if (peer.handshaken && now - peer.lastSent >= timers.keepAliveMs) return 'keep-alive';
  return undefined;
}
