// The peer wire's own rules for one connection, apart from what the messages are about: the handshakes we send and
// the checks on the one we receive (BEP 3, 10 and 6), the messages only a fast-extension peer may send, and the
// connection clock (handshake and idle timeouts, keep-alives). What the handshakes told us and the connection's
// clock are `WireState`, the wire part of a `PeerState` (peer.ts), written here alone.
import type { Bitfield } from '../../codec/bitfield';
import {
  decodeExtendedHandshake,
  encodeExtendedHandshake,
  type ExtendedHandshake,
} from '../../codec/extension';
import type { WireMessage } from '../../codec/wire';
import { encodeHandshake, reservedBytes, supportsExtended, supportsFast, supportsV2 } from '../../codec/wire';
import { SD_PEX } from '../../codec/pex';
import { OUR_REQQ } from './upload-queue';
import { bytesEqual } from '../verify/verify';

/** BEP 6 (fast extension) in our handshake: have-all/have-none, and explicit rejects instead of silent drops. */
export const ADVERTISE_FAST = true;
/** The extended message id we want ut_metadata under. */
export const UT_METADATA_ID = 3;
/** The extended message id we want sd_pex (peer exchange, pex/) under. */
export const SD_PEX_ID = 4;

export interface Handshake {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  reserved: Uint8Array;
}

/** Who we are, for checking a handshake. */
export interface WireIdentity {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  /** We speak BitTorrent v2 (BEP 52) for this torrent: the v2 bit is set in our handshake. */
  v2?: boolean;
  /** The info hashes a peer may name (default: `infoHash` alone): a hybrid's v1 hash and truncated v2 hash, or what a
   * btmh-only magnet accepts before its metadata (v2-join.ts). */
  accepts?(infoHash: Uint8Array, peerV2: boolean, peerIdHex: string): boolean;
  /** Whether a peer naming `infoHash` speaks v2 whatever its handshake's v2 bit says: the truncated v2 hash is known
   * only from the v2 info dictionary, and libtorrent 2.0 sets the bit for hybrid torrents alone (a v2-only torrent's
   * peers handshake without it, then send hash requests). */
  namesV2?(infoHash: Uint8Array): boolean;
}

export function ourHandshake(us: WireIdentity): Uint8Array {
  return encodeHandshake({
    infoHash: us.infoHash,
    peerId: us.peerId,
    reserved: reservedBytes({ extended: true, fast: ADVERTISE_FAST, v2: us.v2 === true }),
  });
}

/** Why a handshake is refused, or undefined when it is accepted. */
export function refuseHandshake(
  handshake: Handshake,
  us: WireIdentity,
  known: { banned(peerIdHex: string): boolean; connected(peerIdHex: string): boolean },
  peerIdHex: string,
): string | undefined {
  const accepted = us.accepts
    ? us.accepts(handshake.infoHash, supportsV2(handshake.reserved), peerIdHex)
    : bytesEqual(handshake.infoHash, us.infoHash);
  if (!accepted) return 'wrong info hash';
  if (bytesEqual(handshake.peerId, us.peerId)) return 'connected to ourselves';
  if (known.banned(peerIdHex)) return 'banned peer';
  if (known.connected(peerIdHex)) return 'duplicate connection';
  return undefined;
}

/** What the handshakes told us of one connection, and its clock (when we last heard from it and sent to it). */
export class WireState {
  private _handshaken = false;
  private _peerId: Uint8Array | undefined;
  private _peerIdHex = '';
  private _extended = false;
  private _fast = false;
  private _v2 = false;
  private _client = '';
  private _reqq: number | undefined;
  private _utMetadata: number | undefined;
  private _sdPex: number | undefined;
  private _extendedTaken = false;
  private _metadataSize: number | undefined;
  private _lastReceived: number;
  private _lastSent: number;

  constructor(now: number) {
    this._lastReceived = now;
    this._lastSent = now;
  }

  get handshaken(): boolean {
    return this._handshaken;
  }
  get peerId(): Uint8Array | undefined {
    return this._peerId;
  }
  get peerIdHex(): string {
    return this._peerIdHex;
  }
  get extended(): boolean {
    return this._extended;
  }
  get fast(): boolean {
    return this._fast;
  }
  /** Its handshake set the BEP 52 bit (whether we speak v2 is the session's business). */
  get v2(): boolean {
    return this._v2;
  }
  /** From the BEP 10 handshake. */
  get client(): string {
    return this._client;
  }
  get reqq(): number | undefined {
    return this._reqq;
  }
  /** The id the peer wants ut_metadata messages under (undefined: it does not speak it). */
  get utMetadata(): number | undefined {
    return this._utMetadata;
  }
  /** Its BEP 10 handshake has come (what it names is known). */
  get extendedTaken(): boolean {
    return this._extendedTaken;
  }

  /** The id the peer wants sd_pex messages under (undefined: it does not speak it; pex/). */
  get sdPex(): number | undefined {
    return this._sdPex;
  }
  get metadataSize(): number | undefined {
    return this._metadataSize;
  }
  get lastReceived(): number {
    return this._lastReceived;
  }
  get lastSent(): number {
    return this._lastSent;
  }

  /** Bytes came from it. */
  received(now: number): void {
    this._lastReceived = now;
  }

  /** Bytes went to it. */
  sent(now: number): void {
    this._lastSent = now;
  }

  /** Its handshake was accepted (see `acceptHandshake`); `namedV2`: it named our truncated v2 info hash. */
  accept(handshake: Handshake, peerIdHex: string, namedV2 = false): void {
    this._handshaken = true;
    this._peerId = handshake.peerId;
    this._peerIdHex = peerIdHex;
    this._extended = supportsExtended(handshake.reserved);
    this._fast = ADVERTISE_FAST && supportsFast(handshake.reserved);
    this._v2 = namedV2 || supportsV2(handshake.reserved);
  }

  /** Its BEP 10 handshake (a later one updates what it names). */
  acceptExtended(handshake: ExtendedHandshake): void {
    this._extendedTaken = true;
    if (handshake.client !== undefined) this._client = handshake.client;
    if (handshake.reqq !== undefined) this._reqq = handshake.reqq;
    const utMetadata = handshake.m.ut_metadata;
    this._utMetadata = utMetadata && utMetadata > 0 ? utMetadata : undefined;
    const sdPex = handshake.m[SD_PEX];
    this._sdPex = sdPex && sdPex > 0 ? sdPex : undefined;
    this._metadataSize = handshake.metadataSize;
  }
}

/** Records an accepted handshake on the connection. */
export function acceptHandshake(
  peer: { readonly wire: WireState },
  handshake: Handshake,
  peerIdHex: string,
  namedV2 = false,
): void {
  peer.wire.accept(handshake, peerIdHex, namedV2);
}

/** Records its BEP 10 handshake (throws on a malformed one: the peer is closed). */
export function acceptExtendedHandshake(peer: { readonly wire: WireState }, payload: Uint8Array): void {
  peer.wire.acceptExtended(decodeExtendedHandshake(payload));
}

/** Our BEP 10 handshake: ut_metadata and sd_pex (`sdPex` 0: peer exchange is off), the metadata's size once we have
 * it, our client and request queue. */
export function ourExtendedHandshake(
  metadataSize: number | undefined,
  client: string,
  sdPex = SD_PEX_ID,
): WireMessage {
  const payload = encodeExtendedHandshake({
    m: { ut_metadata: UT_METADATA_ID, [SD_PEX]: sdPex },
    metadataSize,
    client,
    reqq: OUR_REQQ,
  });
  return { type: 'extended', id: 0, payload };
}

/** What we tell a peer we have, right after the handshake (nothing to say: undefined). */
export function ourPieces(
  peer: { readonly fast: boolean },
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
  peer: Pick<WireState, 'handshaken' | 'lastReceived' | 'lastSent'> & { readonly connectedAt: number },
  now: number,
  timers: WireTimers,
): { close: string } | 'keep-alive' | undefined {
  if (!peer.handshaken && now - peer.connectedAt >= timers.handshakeTimeoutMs)
    return { close: 'handshake timeout' };
  if (now - peer.lastReceived >= timers.idleTimeoutMs) return { close: 'idle timeout' };
  if (peer.handshaken && now - peer.lastSent >= timers.keepAliveMs) return 'keep-alive';
  return undefined;
}
