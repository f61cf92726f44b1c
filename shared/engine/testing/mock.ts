// A scripted remote peer for unit tests of a TorrentSession: it speaks the wire protocol by hand (what it sends is
// encoded with the wire codec) and decodes what the session sends it.
import {
  decodeExtendedHandshake,
  decodeMetadataMessage,
  encodeExtendedHandshake,
  encodeMetadataMessage,
  METADATA_PIECE_SIZE,
  type ExtendedHandshake,
  type MetadataMessage,
} from '../../codec/extension';
import {
  encodeHandshake,
  encodeMessage,
  reservedBytes,
  WireDecoder,
  type WireItem,
  type WireMessage,
} from '../../codec/wire';
import type { TorrentSession } from '../session/session';
import type { EngineAction, PeerKey } from '../contract/engine-types';

export class MockPeer {
  private readonly decoder = new WireDecoder({ expectHandshake: true });
  /** Everything the session sent this peer, decoded, in order. */
  readonly received: WireItem[] = [];
  closed: string | undefined;
  /** Our ut_metadata id, as we announce it in our extended handshake. */
  readonly utMetadata = 7;

  constructor(
    readonly session: TorrentSession,
    readonly key: PeerKey,
    readonly peerId: Uint8Array,
    readonly infoHash: Uint8Array,
    readonly clock: { now: number },
  ) {}

  /** Collects this peer's share of the actions (sends and closes); returns all actions for further checks. */
  absorb(actions: EngineAction[]): EngineAction[] {
    for (const action of actions) {
      if (action.type === 'send' && action.peer === this.key) {
        this.received.push(...this.decoder.push(action.data));
      } else if (action.type === 'close' && action.peer === this.key) {
        this.closed = action.reason;
      }
    }
    return actions;
  }

  /** The transport opens; `identities` are what the adapter knows of the remote end (address, fingerprint). */
  connect(identities?: string[]): EngineAction[] {
    return this.absorb(
      this.session.handle({ type: 'peer-connected', peer: this.key, identities }, this.clock.now),
    );
  }

  bytes(data: Uint8Array): EngineAction[] {
    return this.absorb(this.session.handle({ type: 'peer-data', peer: this.key, data }, this.clock.now));
  }

  handshake(
    options: {
      infoHash?: Uint8Array;
      peerId?: Uint8Array;
      extended?: boolean;
      fast?: boolean;
      v2?: boolean;
    } = {},
  ): EngineAction[] {
    return this.bytes(
      encodeHandshake({
        infoHash: options.infoHash ?? this.infoHash,
        peerId: options.peerId ?? this.peerId,
        reserved: reservedBytes({
          extended: options.extended ?? true,
          fast: options.fast ?? false,
          v2: options.v2 ?? false,
        }),
      }),
    );
  }

  send(...messages: WireMessage[]): EngineAction[] {
    const out: EngineAction[] = [];
    for (const message of messages) out.push(...this.bytes(encodeMessage(message)));
    return out;
  }

  extendedHandshake(handshake: Partial<ExtendedHandshake> = {}): EngineAction[] {
    const payload = encodeExtendedHandshake({ m: { ut_metadata: this.utMetadata }, ...handshake });
    return this.send({ type: 'extended', id: 0, payload });
  }

  /** A ut_metadata message to the session (under the id the session announced). */
  metadata(message: MetadataMessage): EngineAction[] {
    const id = this.sessionExtensions().ut_metadata;
    if (!id) throw new Error('the session did not announce ut_metadata');
    return this.send({ type: 'extended', id, payload: encodeMetadataMessage(message) });
  }

  /** Answers every metadata request the session made of us with the pieces of `bytes`, until it asks no more. */
  serveMetadata(bytes: Uint8Array): EngineAction[] {
    const out: EngineAction[] = [];
    const answered = new Set<number>();
    for (let round = 0; round < 10; round++) {
      const requests = this.metadataMessages().filter(
        (m) => m.msgType === 'request' && !answered.has(m.piece),
      );
      if (requests.length === 0) break;
      for (const { piece } of requests) {
        answered.add(piece);
        const start = piece * METADATA_PIECE_SIZE;
        const data = bytes.subarray(start, Math.min(bytes.length, start + METADATA_PIECE_SIZE));
        out.push(...this.metadata({ msgType: 'data', piece, totalSize: bytes.length, data }));
      }
    }
    return out;
  }

  messages(): WireMessage[] {
    return this.received.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
  }

  ofType<T extends WireMessage['type']>(type: T): Array<Extract<WireMessage, { type: T }>> {
    return this.messages().filter((m): m is Extract<WireMessage, { type: T }> => m.type === type);
  }

  /** The extensions the session announced in its extended handshake. */
  sessionExtensions(): Record<string, number> {
    return this.sessionExtendedHandshake()?.m ?? {};
  }

  sessionExtendedHandshake(): ExtendedHandshake | undefined {
    const message = this.ofType('extended').find((m) => m.id === 0);
    return message ? decodeExtendedHandshake(message.payload) : undefined;
  }

  /** ut_metadata messages the session sent us (under our id). */
  metadataMessages(): MetadataMessage[] {
    return this.ofType('extended')
      .filter((m) => m.id === this.utMetadata)
      .map((m) => decodeMetadataMessage(m.payload));
  }

  clear(): void {
    this.received.length = 0;
  }
}

/** A 20-byte id from a short label (readable in failures). */
export function idFrom(label: string): Uint8Array {
  const out = new Uint8Array(20);
  out.set(new TextEncoder().encode(label.slice(0, 20)));
  return out;
}
