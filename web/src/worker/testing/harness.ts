// Test plumbing for the worker's Client in Node: what the main thread would do (connect peers, pass bytes both ways
// as transferred ArrayBuffers) over in-memory links, with the real engine and SubtleCrypto SHA-1.
import { TorrentSession } from '../../../../shared/engine/session/session';
import { until as untilHolds } from '../../../../shared/testing/until';
import type { Call, WorkerAction } from '../../lib/messages/actions';
import type {
  ActionReply,
  FailedReply,
  MainToWorker,
  TorrentView,
  WorkerToMain,
} from '../../lib/messages/protocol';
import { MemoryStore, type KeyValueStore, type StoredValue } from '../../lib/storage/storage';
import { Client, type ClientOptions } from '../client';

export class TestPeer {
  readonly messages: WorkerToMain[] = [];
  readonly client: Client;
  /** Set by Network: where this peer's `send`/`close` messages go. */
  onPost: ((message: WorkerToMain) => void) | undefined;
  private nextRequest = 1;

  constructor(
    readonly name: string,
    readonly store: KeyValueStore = new MemoryStore(),
    options: Partial<ClientOptions> = {},
  ) {
    this.client = new Client({
      store,
      createSession: (sessionOptions) => new TorrentSession(sessionOptions),
      post: (message, transfer) => {
        // A real postMessage with a transfer list detaches the buffers: do the same, so a buffer used after being
        // transferred shows up in tests.
        const delivered = transfer && transfer.length > 0 ? structuredClone(message, { transfer }) : message;
        this.messages.push(delivered);
        this.onPost?.(delivered);
      },
      writer: { delayMs: 5 },
      ...options,
    });
  }

  /** The store, for tests that look inside it (only when it is a MemoryStore). */
  get memory(): MemoryStore {
    if (!(this.store instanceof MemoryStore)) throw new Error(`${this.name} does not run over a MemoryStore`);
    return this.store;
  }

  /** Sends an action, as the bridge does (with the app's trackers `defaultTrackers`), and returns its reply. */
  async request<A extends WorkerAction>(
    call: Call<A>,
    defaultTrackers: string[] = [],
  ): Promise<ActionReply<A> | FailedReply> {
    const requestId = this.nextRequest++;
    await this.client.handle({
      type: 'action',
      requestId,
      call: call as Call<WorkerAction>,
      defaultTrackers,
    });
    const reply = this.messages.find((m) => m.type === 'reply' && m.requestId === requestId) as
      ActionReply<A> | FailedReply | undefined;
    if (!reply) throw new Error(`no reply to request ${requestId}`);
    return reply;
  }

  view(infoHashHex: string): TorrentView | undefined {
    return this.client.views().find((v) => v.infoHashHex === infoHashHex);
  }

  ofType<T extends WorkerToMain['type']>(type: T): Array<Extract<WorkerToMain, { type: T }>> {
    return this.messages.filter((m): m is Extract<WorkerToMain, { type: T }> => m.type === type);
  }
}

/** A MemoryStore that takes `delayMs` to commit each transaction, as IndexedDB does under load. */
export class SlowStore extends MemoryStore {
  constructor(private readonly delayMs: number) {
    super();
  }

  override async setMany(entries: Array<[string, StoredValue]>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return super.setMany(entries);
  }
}

/** Connects TestPeers pairwise per torrent, like the main thread's data channels, delivering asynchronously. */
export class Network {
  private readonly links = new Map<string, { to: TestPeer; as: string; hash: string }>();
  /** Peers whose traffic is dropped (a crashed tab). */
  readonly dead = new Set<TestPeer>();

  add(peer: TestPeer): void {
    peer.onPost = (message) => this.route(peer, message);
  }

  /** Connects `a` and `b` in a torrent's swarm: `a` knows it as `infoHashHex`, `b` as `bHashHex` (default the same;
   * a hybrid's two hashes meet through the tracker's alias). */
  connect(a: TestPeer, b: TestPeer, infoHashHex: string, bHashHex = infoHashHex): void {
    this.links.set(`${a.name}|${infoHashHex}|${b.name}`, { to: b, as: a.name, hash: bHashHex });
    this.links.set(`${b.name}|${bHashHex}|${a.name}`, { to: a, as: b.name, hash: infoHashHex });
    void a.client.handle({ type: 'peer-connected', infoHashHex, peer: b.name });
    void b.client.handle({ type: 'peer-connected', infoHashHex: bHashHex, peer: a.name });
  }

  private route(from: TestPeer, message: WorkerToMain): void {
    if (message.type !== 'send' && message.type !== 'close') return;
    const key = `${from.name}|${message.infoHashHex}|${message.peer}`;
    const link = this.links.get(key);
    if (!link) return;
    const deliver = (event: MainToWorker, to: TestPeer) =>
      setImmediate(() => {
        if (!this.dead.has(to) && !this.dead.has(from)) void to.client.handle(event);
      });
    if (message.type === 'send') {
      deliver({ type: 'peer-data', infoHashHex: link.hash, peer: link.as, data: message.data }, link.to);
    } else {
      this.links.delete(key);
      this.links.delete(`${message.peer}|${link.hash}|${from.name}`);
      deliver({ type: 'peer-closed', infoHashHex: link.hash, peer: link.as }, link.to);
    }
  }
}

/** Ticks the clients until `done()` holds; throws, naming the condition, after `limitMs` of real time. */
export function until(done: () => boolean, clients: Client[], limitMs = 15_000): Promise<void> {
  const tick = () => {
    for (const client of clients) client.tick();
  };
  return untilHolds(done, { timeoutMs: limitMs, intervalMs: 10, beforeWait: tick });
}

export function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export function file(bytes: Uint8Array, name: string): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], name);
}

/** A store that keeps values as they are: file handles are the browser's objects, which a MemoryStore's
 * structuredClone cannot copy in Node (IndexedDB does in the browser). */
export class PlainStore implements KeyValueStore {
  readonly data = new Map<string, StoredValue>();
  async getMany(keys: string[]) {
    return keys.map((key) => this.data.get(key));
  }
  async setMany(entries: Array<[string, StoredValue]>) {
    for (const [key, value] of entries) this.data.set(key, value);
  }
  async delMany(keys: string[]) {
    for (const key of keys) this.data.delete(key);
  }
  async keys(prefix: string) {
    return [...this.data.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}

/** A file handle whose file the test can change or stop allowing. */
export class FakeHandle {
  readonly kind = 'file';
  readonly name: string;
  denied = false;
  constructor(public current: File) {
    this.name = current.name;
  }
  async getFile(): Promise<File> {
    if (this.denied) throw Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    return this.current;
  }
}
