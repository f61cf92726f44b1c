// The simulated network: hosts with an uplink and a downlink capacity shared by all their connections, a one-way
// latency of each host's access link (a path's is the sum of its two ends'), and a virtual clock. Each host's uplink
// sends one message at a time, taking turns among its channels in the order a `MessageOrder` policy chooses
// (round-robin by default, as concurrent TCP/SCTP flows roughly share a link; or control messages first); a message
// then crosses the path's latency and waits for the receiver's downlink, which takes messages in the order they reach
// it. So a host never sends faster than its upload capacity nor receives faster than its download capacity (give or
// take the one message in flight), and a slow receiver backs up into its senders' queues like a full TCP window would.
// A host may have a queue in front of its uplink that its transports fill from their buffers (`queueMs`,
// uplink-queue.ts): its messages then leave in the order they were handed to it.
// No I/O, no real clock: the same code runs the engine tests (Node), the lab's CLI and its browser worker.
import { EventQueue } from './queue';
import { UplinkQueue } from './uplink-queue';

export interface HostOptions {
  /** Upload capacity, bytes per second. */
  upload: number;
  /** Download capacity, bytes per second (Infinity: unlimited). */
  download: number;
  /**
   * One-way latency of the host's access link, ms, each way: a message from A to B takes A's plus B's, as a packet
   * crosses the sender's uplink and the receiver's downlink (default: half the network's `latencyMs`).
   */
  latencyMs?: number;
  /** The depth of the queue in front of its uplink, ms at its rate (uplink-queue.ts; default none). */
  queueMs?: number;
}

export interface Message {
  size: number;
  /** Runs when the message reaches the far end (only if the channel is still open then). */
  arrive?: () => void;
  /** A close marker: the channel closes after everything queued before it. */
  close?: () => void;
  /** The block a `piece` message carries, so that it can be retracted while queued. */
  block?: string;
}

/** One direction of a connection: from `from`'s uplink to `to`'s downlink. */
export class Channel {
  readonly queue: Message[] = [];
  queued = false;
  open = true;
  /** Payload bytes that reached `to`. */
  delivered = 0;
  constructor(
    readonly from: Host,
    readonly to: Host,
  ) {}
}

export class Host {
  readonly upload: number;
  readonly download: number;
  /** One-way latency of its access link, ms; undefined: half the network's latency. */
  readonly latencyMs: number | undefined;
  alive = true;
  /** Channels with queued messages, served in turn. */
  readonly ready: Channel[] = [];
  transmitting = false;
  /** When the downlink has taken everything sent to it so far. */
  downlinkFree = 0;
  /** The queue in front of its uplink (depth 0: none), holding what has been handed to the link. */
  readonly linkQueue: UplinkQueue<{ channel: Channel; message: Message }>;
  /** Nothing reaching the downlink is delivered before this (`Network.hold`). */
  heldUntil = 0;
  /** Bytes of the messages whose last byte has left the uplink (a message counts whole when it ends). */
  bytesSent = 0;
  bytesReceived = 0;
  /** The message leaving the uplink now (size 0 between messages): when it began, when it ends, its bytes. */
  sendingFrom = 0;
  sendingUntil = 0;
  sendingSize = 0;
  /** Bytes of the message cut off by a crash that had left before it. */
  private cutOff = 0;

  constructor(
    readonly id: number,
    options: HostOptions,
  ) {
    if (!(options.upload > 0)) throw new RangeError(`upload capacity must be > 0, got ${options.upload}`);
    if (!(options.download > 0))
      throw new RangeError(`download capacity must be > 0, got ${options.download}`);
    if (options.latencyMs !== undefined && !(options.latencyMs >= 0 && Number.isFinite(options.latencyMs)))
      throw new RangeError(`latency must be >= 0, got ${options.latencyMs}`);
    this.upload = options.upload;
    this.download = options.download;
    this.latencyMs = options.latencyMs;
    this.linkQueue = new UplinkQueue(options.queueMs ?? 0, options.upload);
  }

  /**
   * Bytes that had left the uplink at `now`, the message under way counted by the share of its time elapsed: unlike
   * `bytesSent`, which takes a whole message at its end, it never grows faster than the upload capacity, so the
   * bytes between two instants over their time is the uplink's use then (at most 1 of its capacity).
   */
  sentBy(now: number): number {
    if (this.sendingSize === 0) return this.bytesSent + this.cutOff;
    const span = this.sendingUntil - this.sendingFrom;
    const done = span > 0 ? Math.min(1, Math.max(0, (now - this.sendingFrom) / span)) : 1;
    return this.bytesSent + this.cutOff + this.sendingSize * done;
  }

  /** The host crashed at `now`: what had left of the message under way stays counted in `sentBy`, the rest never. */
  cut(now: number): void {
    this.cutOff = this.sentBy(now) - this.bytesSent;
    this.sendingSize = 0;
  }
}

/**
 * Which channel a host's uplink serves next: an index into `ready` (the channels with queued messages, in the
 * order they last got in line). The channel served goes back to the end of the line if it has more to send.
 */
export type MessageOrder = (ready: readonly Channel[]) => number;

/** Round-robin: one message per channel in turn (fair sharing of the uplink, as concurrent TCP flows roughly get). */
export const roundRobin: MessageOrder = () => 0;

/** Messages shorter than this count as control traffic (requests, haves, chokes...) for `controlFirst`. */
export const CONTROL_MESSAGE_BYTES = 1024;

/**
 * Control first: a channel whose next message is small (or a close) goes before the bulk data of the others, as such
 * packets interleave with other connections' blocks on a real uplink instead of waiting behind them; otherwise
 * round-robin.
 */
export const controlFirst: MessageOrder = (ready) => {
  const i = ready.findIndex((channel) => (channel.queue[0]?.size ?? 0) < CONTROL_MESSAGE_BYTES);
  return i < 0 ? 0 : i;
};

export interface NetworkOptions {
  /** One-way latency of a path between two hosts that have none of their own, ms: each host's access takes half. */
  latencyMs: number;
  /** How each uplink orders the messages of its channels (default `roundRobin`). */
  order?: MessageOrder;
  /** Start time of the virtual clock, ms (default 0). */
  start?: number;
  /** Called once per delivered message (tests use it to check capacities). */
  onDeliver?: (channel: Channel, size: number, at: number) => void;
  /** Called once per message when its last byte leaves the sender's uplink. */
  onTransmit?: (channel: Channel, size: number, at: number) => void;
}

export class Network {
  now = 0;
  readonly latencyMs: number;
  readonly hosts: Host[] = [];
  private readonly events = new EventQueue();
  private readonly onDeliver?: NetworkOptions['onDeliver'];
  private readonly onTransmit?: NetworkOptions['onTransmit'];
  private readonly order: MessageOrder;
  /** Messages delivered, and their bytes. */
  messages = 0;
  bytes = 0;
  /** No host has a latency of its own: every path has the network's. */
  private sameLatency = true;

  constructor(options: NetworkOptions) {
    if (!(options.latencyMs >= 0)) throw new RangeError(`latency must be >= 0, got ${options.latencyMs}`);
    this.latencyMs = options.latencyMs;
    this.onDeliver = options.onDeliver;
    this.onTransmit = options.onTransmit;
    this.order = options.order ?? roundRobin;
    this.now = options.start ?? 0;
  }

  addHost(options: HostOptions): Host {
    const host = new Host(this.hosts.length, options);
    if (options.latencyMs !== undefined) this.sameLatency = false;
    this.hosts.push(host);
    return host;
  }

  /** Runs `run` at virtual time `at` (never in the past). */
  schedule(at: number, run: () => void): void {
    this.events.push(Math.max(at, this.now), run);
  }

  /** Runs events in time order until `done()` holds (checked after each event) or the clock passes `until`. */
  runUntil(until: number, done: () => boolean = () => false): boolean {
    if (done()) return true;
    for (;;) {
      const at = this.events.peekTime();
      if (at === undefined || at > until) break;
      const event = this.events.pop()!;
      this.now = Math.max(this.now, event.at);
      event.run();
      if (done()) return true;
    }
    this.now = Math.max(this.now, until);
    return done();
  }

  /** One-way latency from `from` to `to`, ms: the two hosts' access links. */
  latency(from: Host, to: Host): number {
    const half = this.latencyMs / 2;
    return (from.latencyMs ?? half) + (to.latencyMs ?? half);
  }

  get pendingEvents(): number {
    return this.events.size;
  }

  /** Bytes waiting in the host's channels, not yet handed to its link (nor to the queue in front of it): what a
   * transport's buffer reports. */
  queuedBytes(host: Host): number {
    let bytes = 0;
    for (const channel of host.ready) for (const message of channel.queue) bytes += message.size;
    return bytes;
  }

  channel(from: Host, to: Host): Channel {
    return new Channel(from, to);
  }

  /** Queues `size` bytes on the channel; `arrive` runs when they reach the other end. `block` names what it
   * carries, for `retract`. */
  send(channel: Channel, size: number, arrive: () => void, block?: string): void {
    if (!channel.open || !channel.from.alive) return;
    if (!(size > 0)) throw new RangeError(`message size must be > 0, got ${size}`);
    this.enqueue(channel, block === undefined ? { size, arrive } : { size, arrive, block });
  }

  /** Drops the queued message that carries `block` before it starts to leave, as the app's channel writer drops a
   * cancelled block; true if it was queued. */
  retract(channel: Channel, block: string): boolean {
    const at = channel.queue.findIndex((message) => message.block === block);
    if (at < 0) return false;
    channel.queue.splice(at, 1);
    return true;
  }

  /** Closes the channel after what is already queued on it; `closed` runs at the far end one latency later. */
  close(channel: Channel, closed: () => void): void {
    if (!channel.open) return;
    this.enqueue(channel, { size: 0, close: closed });
  }

  /** Closes the channel at once, dropping what is queued (a crash); `closed` runs at the far end one latency later. */
  abort(channel: Channel, closed: () => void): void {
    if (!channel.open) return;
    channel.open = false;
    channel.queue.length = 0;
    this.schedule(this.now + this.latency(channel.from, channel.to), closed);
  }

  /** From now until `until`, the host's downlink delivers nothing; what reaches it meanwhile is delivered after, in
   * the order it came, at the downlink's rate: as an ordered, reliable channel holds every packet behind a lost one
   * until the retransmission arrives (a retransmission timeout when nothing follows the loss for a fast one).
   * Messages that had left their uplinks before the call are delivered as they were reckoned then. */
  hold(host: Host, until: number): void {
    host.heldUntil = Math.max(host.heldUntil, until);
    // Each message's delivery is then reckoned when it reaches the downlink, where the hold applies.
    this.sameLatency = false;
  }

  /** The host dies: its uplink stops, nothing queued leaves. */
  crash(host: Host): void {
    if (host.alive) host.cut(this.now);
    host.alive = false;
    for (const channel of host.ready) {
      channel.queue.length = 0;
      channel.queued = false;
    }
    host.ready.length = 0;
    host.linkQueue.clear();
  }

  private enqueue(channel: Channel, message: Message): void {
    channel.queue.push(message);
    const host = channel.from;
    if (!channel.queued) {
      channel.queued = true;
      host.ready.push(channel);
    }
    if (host.transmitting) this.handOver(host);
    else this.transmit(host);
  }

  /** Moves messages from the host's channels, in the order the policy chooses, into the queue in front of its link
   * while they fit. */
  private handOver(host: Host): void {
    while (host.ready.length > 0) {
      const pick = this.order(host.ready);
      const channel = host.ready[pick];
      const message = channel.queue[0];
      if (message && !host.linkQueue.takes(message.size, host.transmitting)) return;
      host.ready.splice(pick, 1);
      channel.queue.shift();
      if (channel.queue.length > 0) host.ready.push(channel);
      else channel.queued = false;
      if (message) host.linkQueue.push({ channel, message }, message.size);
    }
  }

  private transmit(host: Host): void {
    host.transmitting = false;
    if (!host.alive) return;
    for (;;) {
      this.handOver(host);
      const next = host.linkQueue.shift();
      if (!next) return;
      const { channel, message } = next;
      if (message.close) {
        if (channel.open) {
          channel.open = false;
          this.schedule(this.now + this.latency(channel.from, channel.to), message.close);
        }
        continue;
      }
      if (!channel.open) continue;
      const size = message.size;
      host.transmitting = true;
      const done = this.now + (size * 1000) / host.upload;
      host.sendingFrom = this.now;
      host.sendingUntil = done;
      host.sendingSize = size;
      this.schedule(done, () => {
        if (!host.alive) return; // crashed mid-message: the rest never leaves
        host.sendingSize = 0;
        host.bytesSent += size;
        this.onTransmit?.(channel, size, this.now);
        this.arrive(channel, message);
        this.transmit(host);
      });
      return;
    }
  }

  /**
   * The message has left the sender: it crosses the path's latency, then the receiver's downlink, which takes
   * messages in the order they reach it. While every path has the same latency that is the order they left their
   * uplinks, so the arrival is reckoned as the message leaves (one event per message instead of two).
   */
  private arrive(channel: Channel, message: Message): void {
    const reached = this.now + this.latency(channel.from, channel.to);
    if (this.sameLatency) this.downlink(channel, message, reached);
    else this.schedule(reached, () => this.downlink(channel, message, reached));
  }

  /** The message reached the receiver's downlink at `reached`: it is delivered once the downlink has carried it. */
  private downlink(channel: Channel, message: Message, reached: number): void {
    const to = channel.to;
    const at = Math.max(reached, to.heldUntil, to.downlinkFree + (message.size * 1000) / to.download);
    to.downlinkFree = at;
    this.schedule(at, () => {
      if (!channel.open || !to.alive) return;
      to.bytesReceived += message.size;
      channel.delivered += message.size;
      this.messages++;
      this.bytes += message.size;
      this.onDeliver?.(channel, message.size, at);
      message.arrive?.();
    });
  }
}
