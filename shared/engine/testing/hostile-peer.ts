// A hostile peer on one node of a simulated swarm (swarm.ts): it connects, shakes hands (extended, fast and v2 bits),
// says what it has, then sends messages of every kind (hostile-messages.ts) in a seeded random order, as many as its
// channel carries each millisecond, until the node closes it or it has sent `maxMessages`. It reads what the node
// sends it, to answer the blocks and hashes it was asked for.
import { concatBytes } from '../../codec/bytes';
import type { WireMessage } from '../../codec/wire';
import { encodeHandshake, encodeMessage, reservedBytes, WireDecoder } from '../../codec/wire';
import { EVERY_KIND, hostileMessage, PIECES_KINDS, type HostileView } from './hostile-messages';
import { mulberry32, randomBytes, randomInt } from './random';
import type { Swarm, SwarmNode } from './swarm';

export interface HostileOptions {
  /** The peer's key at the node. */
  key: string;
  seed: number;
  /** Bytes its channel carries per millisecond. */
  bytesPerMs: number;
  /** It stops after this many messages (bounds the run against an engine that never closes it). */
  maxMessages: number;
  /** 'every-kind': any kind at any time, what it has again too; 'flood': after its opening, every kind but another
   * bitfield, have-all or have-none (which the order rule closes at once). */
  mode: 'every-kind' | 'flood';
}

export class HostilePeer {
  /** Messages sent, by kind. */
  readonly sent = new Map<WireMessage['type'], number>();
  messages = 0;
  startedAt = 0;
  lastSentAt = 0;
  /** Why and when the node closed it. */
  closed: { at: number; reason: string } | undefined;
  private readonly random: () => number;
  private readonly decoder = new WireDecoder({ expectHandshake: true });
  private readonly kinds: WireMessage['type'][];

  constructor(
    private readonly swarm: Swarm,
    private readonly node: SwarmNode,
    private readonly view: HostileView,
    private readonly options: HostileOptions,
  ) {
    this.random = mulberry32(options.seed);
    this.kinds =
      options.mode === 'flood' ? EVERY_KIND.filter((kind) => !PIECES_KINDS.includes(kind)) : EVERY_KIND;
    this.listen();
  }

  /** Connects at `at` and floods from then on. */
  start(at: number): void {
    this.swarm.schedule(at, () => {
      this.startedAt = this.swarm.now;
      this.node.deliver({ type: 'peer-connected', peer: this.options.key });
      const peerId = randomBytes(this.random, 20);
      const reserved = reservedBytes({ extended: true, fast: true, v2: true });
      const handshake = encodeHandshake({ infoHash: this.view.info.infoHash, peerId, reserved });
      const opening = PIECES_KINDS[randomInt(this.random, PIECES_KINDS.length)];
      this.deliver([handshake, this.encode(hostileMessage(opening, this.view, this.random)!)]);
      this.swarm.schedule(this.swarm.now + 1, () => this.flood());
    });
  }

  get done(): boolean {
    return this.closed !== undefined || this.messages >= this.options.maxMessages;
  }

  private flood(): void {
    if (this.done) return;
    this.view.now = this.swarm.now;
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    while (bytes < this.options.bytesPerMs && this.messages < this.options.maxMessages) {
      const message = this.next();
      const chunk = this.encode(message);
      chunks.push(chunk);
      bytes += chunk.length;
    }
    this.lastSentAt = this.swarm.now;
    this.deliver(chunks);
    this.swarm.schedule(this.swarm.now + 1, () => this.flood());
  }

  /** A message of a random kind (another kind when this one needs something not asked for); a kind not sent yet
   * goes first when it can, so that every kind reaches the engine early. */
  private next(): WireMessage {
    const unsent = this.kinds.filter((kind) => !this.sent.has(kind));
    while (unsent.length > 0) {
      const [kind] = unsent.splice(randomInt(this.random, unsent.length), 1);
      const message = hostileMessage(kind, this.view, this.random);
      if (message) return message;
    }
    for (;;) {
      const kind = this.kinds[randomInt(this.random, this.kinds.length)];
      const message = hostileMessage(kind, this.view, this.random);
      if (message) return message;
    }
  }

  private encode(message: WireMessage): Uint8Array {
    this.sent.set(message.type, (this.sent.get(message.type) ?? 0) + 1);
    this.messages++;
    return encodeMessage(message);
  }

  private deliver(chunks: Uint8Array[]): void {
    if (this.closed) return;
    this.node.deliver({ type: 'peer-data', peer: this.options.key, data: concatBytes(chunks) });
  }

  /** What the node sends it is read (the requests and hash requests it may answer); its close is recorded. */
  private listen(): void {
    const ports = this.node.ports;
    const { send, close } = ports;
    ports.send = (peer, data) => (peer === this.options.key ? this.hear(data) : send(peer, data));
    ports.close = (peer, reason) => {
      if (peer === this.options.key) this.closed ??= { at: this.swarm.now, reason };
      close(peer, reason);
    };
  }

  private hear(data: Uint8Array): void {
    for (const item of this.decoder.push(data)) {
      if (item.kind !== 'message') continue;
      const message = item.message;
      if (message.type === 'request') {
        const { index, begin, length } = message;
        this.view.asked.push({ index, begin, length });
      }
      if (message.type === 'cancel') {
        const at = this.view.asked.findIndex((b) => b.index === message.index && b.begin === message.begin);
        if (at >= 0) this.view.asked.splice(at, 1);
      }
      if (message.type === 'hash-request') {
        const { type: _request, ...range } = message;
        this.view.askedHashes.push(range);
      }
    }
  }
}
