// The order rule for what a peer says it has (BEP 3, BEP 6): a `bitfield`, `have-all` or `have-none` comes once, as
// its first message after the handshake, and everything later is told with `have`. Taking in a bitfield costs the
// engine the torrent's piece count; a peer that sends a second one, or one after other messages, is closed, so that
// cost is paid once per connection. Before it, only the messages that set up the connection may come: the BEP 10
// handshake and other extended messages (a magnet peer fetches the metadata before it knows what it has), a DHT
// port, keep-alives and the choke and interest states; a `have`, a request or a block ends its turn.
import type { WireMessage } from '../../codec/wire';

/** A message that says all a peer has at once. */
export function isPiecesMessage(message: WireMessage): boolean {
  return message.type === 'bitfield' || message.type === 'have-all' || message.type === 'have-none';
}

/**
 * Messages that may come before a pieces message without ending its turn: the connection's set-up, and the four
 * state messages, which say nothing of pieces and cost the same whether or not a bitfield follows. WebTorrent sends
 * its choke state before its `have-none` when it opened the connection to fetch the metadata first.
 */
const SETUP: ReadonlySet<WireMessage['type']> = new Set<WireMessage['type']>([
  'extended',
  'port',
  'keep-alive',
  'choke',
  'unchoke',
  'interested',
  'not-interested',
]);

function isSetup(message: WireMessage): boolean {
  return SETUP.has(message.type);
}

export class OpeningRule {
  /** A pieces message may still come. */
  private open = true;

  /** Its next message: why it breaks the rule (the peer is closed), or undefined. */
  see(message: WireMessage): string | undefined {
    if (isPiecesMessage(message)) {
      if (!this.open) return `${message.type} after its first messages: what it has comes once, first`;
      this.open = false;
      return undefined;
    }
    if (!isSetup(message)) this.open = false;
    return undefined;
  }
}
