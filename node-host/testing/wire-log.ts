// What crossed the wire between the Node host and its peers, decoded: the message types each side sent, the hash
// requests the engine sent, the hash requests peers sent it and its answers to them. Fed by NodeTorrent's `tap`.
import { WireDecoder, type HashRange, type WireMessage } from '../../shared/codec/wire';
import type { PeerKey } from '../../shared/engine/contract/engine-types';

export class WireLog {
  /** Message types the peers sent us. */
  readonly received = new Set<string>();
  /** Message types we sent. */
  readonly sent = new Set<string>();
  /** Every hash request we sent. */
  readonly hashRequests: HashRange[] = [];
  /** Every hash request the peers sent us, and every `hashes` or `hash reject` we sent them, with the peer. */
  readonly asked: Array<{ peer: PeerKey; range: HashRange }> = [];
  readonly answered: Array<{ peer: PeerKey; type: 'hashes' | 'hash-reject'; range: HashRange }> = [];
  /** Streams that did not decode (a bug on one side). */
  readonly broken: string[] = [];
  private readonly decoders = new Map<string, WireDecoder>();

  readonly tap = (peer: PeerKey, data: Uint8Array, from: 'peer' | 'us'): void => {
    const key = `${peer}:${from}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = new WireDecoder({ expectHandshake: true })));
    try {
      for (const item of decoder.push(data.slice()))
        if (item.kind === 'message') this.record(peer, item.message, from);
    } catch (error) {
      this.broken.push(`${key}: ${String(error)}`);
      this.decoders.set(key, new WireDecoder({ expectHandshake: false }));
    }
  };

  private record(peer: PeerKey, message: WireMessage, from: 'peer' | 'us'): void {
    (from === 'peer' ? this.received : this.sent).add(
      message.type === 'extended' ? `extended ${message.id}` : message.type,
    );
    if (message.type === 'hash-request' && from === 'us') this.hashRequests.push(message);
    if (message.type === 'hash-request' && from === 'peer')
      this.asked.push({ peer, range: rangeOf(message) });
    if ((message.type === 'hashes' || message.type === 'hash-reject') && from === 'us')
      this.answered.push({ peer, type: message.type, range: rangeOf(message) });
  }
}

function rangeOf({ piecesRoot, baseLayer, index, length, proofLayers }: HashRange): HashRange {
  return { piecesRoot, baseLayer, index, length, proofLayers };
}
