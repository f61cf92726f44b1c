// What crossed the wire between the Node host and its peers, decoded: the message types each side sent, the hash
// requests the engine sent, the close reasons. Fed by NodeTorrent's `tap`.
import { WireDecoder, type HashRange, type WireMessage } from '../../shared/codec/wire';
import type { PeerKey } from '../../shared/engine/contract/engine-types';

export class WireLog {
  /** Message types the peers sent us. */
  readonly received = new Set<string>();
  /** Message types we sent. */
  readonly sent = new Set<string>();
  /** Every hash request we sent. */
  readonly hashRequests: HashRange[] = [];
  /** Streams that did not decode (a bug on one side). */
  readonly broken: string[] = [];
  private readonly decoders = new Map<string, WireDecoder>();

  readonly tap = (peer: PeerKey, data: Uint8Array, from: 'peer' | 'us'): void => {
    const key = `${peer}:${from}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = new WireDecoder({ expectHandshake: true })));
    try {
      for (const item of decoder.push(data.slice()))
        if (item.kind === 'message') this.record(item.message, from === 'peer' ? this.received : this.sent);
    } catch (error) {
      this.broken.push(`${key}: ${String(error)}`);
      this.decoders.set(key, new WireDecoder({ expectHandshake: false }));
    }
  };

  private record(message: WireMessage, into: Set<string>): void {
    into.add(message.type === 'extended' ? `extended ${message.id}` : message.type);
    if (message.type === 'hash-request' && into === this.sent) this.hashRequests.push(message);
  }
}
