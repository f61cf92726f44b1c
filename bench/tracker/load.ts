// Simulated WebTorrent peers on loopback: N WebSocket clients in swarms of SWARM_SIZE, announcing with offers,
// answering every offer they are sent. The same load runs against each tracker.
import { WebSocket } from 'ws';

export const SWARM_SIZE = 100;
export const OFFERS_PER_ANNOUNCE = 5;
/** The saturated phase: its length, and the announces kept in flight (a closed loop). */
export const SATURATE_SECONDS = 4;
export const WINDOW = 256;
/** The paced phase, for the latency from an offer to its answer at an ordinary load. */
export const PACED_RATE = 200;
export const PACED_SECONDS = 3;
/**
 * The clients connect from 127.0.0.2 to 127.0.0.251 in turn, as if from 250 hosts: the tracker's per-address
 * limits (256 connections, 500 messages per second) then hold at their defaults (40 sockets per address at 10,000
 * peers), and no source address runs out of ephemeral ports.
 */
const SOURCE_ADDRESSES = 250;
/**
 * What one simulated client sends at most in a second (its own one-second windows), as a browser tab stays far
 * under the tracker's per-connection limit (50 messages in a one-second window by default; over it the socket is
 * closed). Half the limit, because the tracker counts arrivals: messages of two of the client's windows can arrive
 * in one of the tracker's when the tracker falls behind. What a client may not send yet waits in its outbox.
 */
const CLIENT_MESSAGES_PER_SECOND = 25;
/** A realistic size for the SDP of a data-channel offer (Chromium's is 400 to 600 bytes). */
const SDP = 'v=0\r\n' + 'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n'.repeat(9);
/** The announce a client waits for after joining, apart from those of the phases. */
const JOIN = -1;

const id20 = (prefix: string, n: number) => prefix + n.toString(36).padStart(20 - prefix.length, '0');

interface Client {
  socket: WebSocket;
  peerId: string;
  infoHash: string;
  /** Announces sent and not yet answered by the tracker, oldest first. */
  waiting: number[];
  /** The client's current one-second window: when it began and what was sent in it. */
  windowStart: number;
  sentInWindow: number;
  /** Messages held back by CLIENT_MESSAGES_PER_SECOND, oldest first. */
  outbox: string[];
}

interface PendingAnnounce {
  sentAt: number;
  responded: boolean;
  answers: number;
}

export interface PhaseResult {
  /** Announces whose response and every answer to its offers came back within the phase. */
  completed: number;
  /** The same, counting those that were in flight at the end and completed afterwards. */
  completedWithDrain: number;
  lost: number;
  seconds: number;
  offerLatenciesMs: number[];
}

export class Load {
  private clients: Client[] = [];
  private pending = new Map<number, PendingAnnounce>();
  private sequence = 0;
  private completed = 0;
  private latencies: number[] = [];
  private onComplete: (() => void) | undefined;
  private joining = 0;
  private onJoined: (() => void) | undefined;
  private readonly held = new Set<Client>();
  private flusher: ReturnType<typeof setInterval> | undefined;
  failures = 0;
  /** Messages that had to wait in an outbox (a sign the load asked more of some client than a browser sends). */
  heldBack = 0;

  /** `urls`: the processes of the tracker, which the clients are spread over in turn. */
  constructor(private readonly urls: string[]) {}

  /** Opens `count` sockets, `parallel` handshakes at a time. */
  async connect(count: number, parallel = 200): Promise<void> {
    let next = 0;
    const open = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const socket = new WebSocket(this.urls[i % this.urls.length], {
          perMessageDeflate: false,
          localAddress: `127.0.0.${2 + (i % SOURCE_ADDRESSES)}`,
        });
        const infoHash = id20('bench-swarm-', Math.floor(i / SWARM_SIZE));
        const client: Client = {
          socket,
          peerId: id20('-BN0001-', i),
          infoHash,
          waiting: [],
          windowStart: -Infinity,
          sentInWindow: 0,
          outbox: [],
        };
        socket.on('message', (data) => this.receive(client, data.toString()));
        socket.on('error', () => this.failures++);
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        this.clients.push(client);
      }
    };
    await Promise.all(Array.from({ length: parallel }, open));
  }

  private message(client: Client, fields: object): string {
    return JSON.stringify({
      action: 'announce',
      info_hash: client.infoHash,
      peer_id: client.peerId,
      uploaded: 0,
      downloaded: 0,
      ...fields,
    });
  }

  /** Every client announces `started` (a fifth of them as seeders) and waits for its response. */
  async join(): Promise<void> {
    this.joining = this.clients.length;
    const done = new Promise<void>((resolve) => (this.onJoined = resolve));
    this.clients.forEach((client, i) => {
      client.waiting.push(JOIN);
      client.socket.send(
        this.message(client, { numwant: 0, left: i % 5 === 0 ? 0 : 1_000_000, event: 'started', offers: [] }),
      );
    });
    await done;
  }

  private announce(client: Client): void {
    const seq = ++this.sequence;
    const offers = Array.from({ length: OFFERS_PER_ANNOUNCE }, (_, k) => ({
      offer: { type: 'offer', sdp: SDP },
      offer_id: id20('o', seq * 10 + k),
    }));
    this.pending.set(seq, { sentAt: performance.now(), responded: false, answers: 0 });
    client.waiting.push(seq);
    this.send(client, this.message(client, { numwant: OFFERS_PER_ANNOUNCE, left: 1_000_000, offers }));
  }

  /** Sends now if the client's window has room and nothing waits before it, else queues in its outbox. */
  private send(client: Client, text: string): void {
    if (client.outbox.length === 0 && this.takeTurn(client)) return client.socket.send(text);
    client.outbox.push(text);
    this.heldBack++;
    this.held.add(client);
    this.flusher ??= setInterval(() => this.flushOutboxes(), 10);
  }

  /** Starts a new one-second window for the client when its last one is over; true if the window has room. */
  private hasTurn(client: Client): boolean {
    const now = performance.now();
    if (now - client.windowStart >= 1000) [client.windowStart, client.sentInWindow] = [now, 0];
    return client.sentInWindow < CLIENT_MESSAGES_PER_SECOND;
  }

  private takeTurn(client: Client): boolean {
    return this.hasTurn(client) && ++client.sentInWindow > 0;
  }

  private flushOutboxes(): void {
    for (const client of this.held) {
      while (client.outbox.length > 0 && this.takeTurn(client)) client.socket.send(client.outbox.shift()!);
      if (client.outbox.length === 0) this.held.delete(client);
    }
    if (this.held.size > 0) return;
    clearInterval(this.flusher);
    this.flusher = undefined;
  }

  private randomClient(): Client {
    return this.clients[Math.floor(Math.random() * this.clients.length)];
  }

  /** A client that can send now, if one of a few random picks can (else a random one, which will queue). */
  private readyClient(): Client {
    for (let tries = 0; tries < 8; tries++) {
      const client = this.randomClient();
      if (client.outbox.length === 0 && this.hasTurn(client)) return client;
    }
    return this.randomClient();
  }

  private receive(client: Client, text: string): void {
    if (text.includes('"offer"')) {
      const { offer_id, peer_id } = JSON.parse(text) as { offer_id: string; peer_id: string };
      const answer = { type: 'answer', sdp: SDP };
      return this.send(client, this.message(client, { to_peer_id: peer_id, offer_id, answer }));
    }
    if (text.includes('"answer"')) {
      const match = /"offer_id":"o([0-9a-z]{19})"/.exec(text);
      const seq = match ? Math.floor(parseInt(match[1], 36) / 10) : 0;
      const pending = this.pending.get(seq);
      if (!pending) return;
      this.latencies.push(performance.now() - pending.sentAt);
      pending.answers++;
      return this.settle(seq, pending);
    }
    if (text.includes('failure reason')) this.failures++;
    // An announce response (or a failure in its place): the oldest announce of this client.
    const seq = client.waiting.shift();
    if (seq === JOIN && --this.joining === 0) this.onJoined?.();
    const pending = seq === undefined ? undefined : this.pending.get(seq);
    if (!pending) return;
    pending.responded = true;
    this.settle(seq!, pending);
  }

  private settle(seq: number, pending: PendingAnnounce): void {
    if (!pending.responded || pending.answers < OFFERS_PER_ANNOUNCE) return;
    this.pending.delete(seq);
    this.completed++;
    this.onComplete?.();
  }

  /** Runs `phase` from a clean count; what completed in it, and in flight at its end and completed afterwards. */
  private async phase(phase: () => Promise<void>): Promise<PhaseResult> {
    [this.completed, this.latencies] = [0, []];
    const start = performance.now();
    await phase();
    const [completed, seconds, offerLatenciesMs] = [
      this.completed,
      (performance.now() - start) / 1000,
      this.latencies,
    ];
    const lost = await this.drain();
    return { completed, completedWithDrain: this.completed, lost, seconds, offerLatenciesMs };
  }

  /** Closed loop: `window` announces in flight, for `seconds`; the most the tracker sustains. */
  saturate(seconds: number, window: number): Promise<PhaseResult> {
    return this.phase(async () => {
      const end = performance.now() + seconds * 1000;
      this.onComplete = () => {
        if (performance.now() < end) this.announce(this.readyClient());
      };
      for (let i = 0; i < window; i++) this.announce(this.readyClient());
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      this.onComplete = undefined;
    });
  }

  /** Open loop at `rate` announces per second, for `seconds`: offer-to-answer latency at an ordinary load. */
  paced(rate: number, seconds: number): Promise<PhaseResult> {
    return this.phase(async () => {
      const start = performance.now();
      const total = Math.round(rate * seconds);
      for (let sent = 0; sent < total; await new Promise((resolve) => setTimeout(resolve, 5))) {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
        for (; sent < due; sent++) this.announce(this.randomClient());
      }
    });
  }

  /** Waits (up to 5 s) for announces in flight; what is left counts as lost and is forgotten. */
  private async drain(): Promise<number> {
    const until = performance.now() + 5000;
    while (this.pending.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    const lost = this.pending.size;
    this.pending.clear();
    for (const client of this.clients) {
      client.waiting = client.waiting.filter((seq) => seq === JOIN);
      client.outbox = [];
    }
    this.held.clear();
    return lost;
  }

  async close(): Promise<void> {
    clearInterval(this.flusher);
    this.flusher = undefined;
    for (const client of this.clients) client.socket.terminate();
    this.clients = [];
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
