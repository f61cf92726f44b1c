// The work units each message from a peer causes (charged to its budget, peer/message-budget.ts): one to decode and
// route it, and what its room then does, so that a message's charge grows with the work it makes and never less.
import type { WireMessage } from '../../codec/wire';
import { HASH_BYTES } from '../../codec/wire';
import { MAX_ANSWER_HASHES } from '../v2/piece-layers';

/** What a message's work depends on besides the message. */
export interface WorkContext {
  /** Connected peers: what a change of interest makes the choke policy look at. */
  peers: number;
  /** Our requests outstanding to this peer: what its choke releases and its unchoke asks for again. */
  outstanding: number;
}

/** Bytes of an extended message's payload per work unit: its bencoded part is parsed, a metadata piece copied. The
 * largest metadata we accept (8 MiB) then costs 33,000 units, within a peer's burst; a peer sending 1 MiB extended
 * handshakes at 8 MiB/s is over its budget. */
const EXTENDED_BYTES_PER_UNIT = 256;

/** The work units a message causes: one to decode and route it, and what its room then does. */
export function messageCost(message: WireMessage, context: WorkContext): number {
  switch (message.type) {
    case 'bitfield':
      return 1 + message.bytes.length * 8; // every piece it names is counted in the picker
    case 'interested':
    case 'not-interested':
      return 1 + context.peers; // the choke policy may choke or unchoke between rounds
    case 'choke':
    case 'unchoke':
      // Our requests to it are released and handed to the other peers, or asked of it again (while we hold no piece,
      // the first-piece rule looks at every peer).
      return 1 + context.outstanding + context.peers;
    case 'have':
    case 'have-all':
    case 'request':
    case 'cancel':
    case 'reject-request':
      return 2; // a picker count or a queue entry
    case 'extended':
      return 2 + Math.ceil(message.payload.length / EXTENDED_BYTES_PER_UNIT);
    case 'hash-request':
      return 2 + Math.min(message.length, MAX_ANSWER_HASHES); // the hashes we may answer with
    case 'hashes':
      return 2 + message.hashes.length / HASH_BYTES; // each hash checked up the tree
    default:
      return 1; // keep-alive, port, have-none, suggest-piece, allowed-fast, hash-reject, piece (asked by us)
  }
}
