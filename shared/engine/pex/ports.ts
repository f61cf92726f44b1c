// What peer exchange needs of its session: the connections, the wire, the actions out, and the session's wants.
import type { WireMessage } from '../../codec/wire';
import type { EngineAction, PeerIdHex, PeerKey } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';

export interface PexPorts {
  /** Our peer id. */
  readonly ourId: Uint8Array;
  peers(): Iterable<PeerState>;
  peer(key: PeerKey): PeerState | undefined;
  /** The connected peer whose handshake named this id. */
  byId(id: PeerIdHex): PeerState | undefined;
  send(peer: PeerState, message: WireMessage): void;
  close(peer: PeerState, reason: string): void;
  act(action: EngineAction): void;
  /** A peer's progress in thousandths of the pieces (0 while the torrent is unknown). */
  progress(peer: PeerState): number;
  seeding(): boolean;
  /** Our own progress in thousandths of the pieces (0 while the torrent is unknown). */
  ourProgress(): number;
  /** No peer has had a piece we lack for a while (session/starvation.ts): peers that hold more than we do are what
   * we want. */
  starved(): boolean;
  /** Neither paused nor stopped. */
  active(): boolean;
  /** How many more connections the session wants now (its target less its peers). */
  wanted(): number;
  /** The session takes no more peers. */
  full(): boolean;
  banned(id: PeerIdHex): boolean;
  random(): number;
}
