// What an emulated network is made of, in the units a test or a bench thinks in (milliseconds, Mbit/s, a share),
// and their translation to the relay's units (seconds are the relay's business; bytes per second here).

/** One direction of a node's access link. */
export interface LinkSpec {
  /** One-way delay added to every packet, in ms. */
  delayMs: number;
  /** Each packet's delay varies uniformly within ±jitterMs (never reordering the link's packets). */
  jitterMs?: number;
  /** The share of packets dropped at random, 0 to 1. */
  loss?: number;
  /** The link's rate in Mbit/s (a token bucket); absent or 0 for no limit. */
  rateMbit?: number;
  /** The queue in front of the rate, in bytes or in ms at the rate; a packet that would overflow it is dropped. */
  queue?: QueueSpec;
  /** Bytes the token bucket lets through at once after an idle spell (default: two full-size packets). */
  burstBytes?: number;
}

export type QueueSpec = { bytes: number } | { ms: number };

/** A node of the emulated network: its own namespace, one address, an uplink and a downlink. */
export interface NodeSpec {
  name: string;
  up: LinkSpec;
  down: LinkSpec;
}

/** A path between two peers as a bench names it: round trip, jitter, loss each way, rates and queue. */
export interface PathSpec {
  rttMs: number;
  jitterMs?: number;
  /** The share of packets lost in each direction of the path. */
  loss?: number;
  /** Each peer's uplink in Mbit/s (absent: no limit). */
  upMbit?: number;
  /** Each peer's downlink in Mbit/s (absent: no limit). */
  downMbit?: number;
  queue?: QueueSpec;
}

/** The link as the relay reads it (netem/relay.py). */
export interface RelayLink {
  delayMs: number;
  jitterMs: number;
  loss: number;
  rateBytesPerSecond: number;
  queueBytes: number;
  burstBytes: number;
}

const FULL_PACKET = 1500;
const DEFAULT_BURST = 2 * FULL_PACKET;

export function relayLink(link: LinkSpec): RelayLink {
  const rateBytesPerSecond = ((link.rateMbit ?? 0) * 1e6) / 8;
  return {
    delayMs: link.delayMs,
    jitterMs: link.jitterMs ?? 0,
    loss: link.loss ?? 0,
    rateBytesPerSecond,
    queueBytes: queueBytes(link.queue, rateBytesPerSecond),
    burstBytes: link.burstBytes ?? DEFAULT_BURST,
  };
}

/** A queue in bytes; one in ms holds what the rate sends in that time, and never less than one full packet. */
export function queueBytes(queue: QueueSpec | undefined, rateBytesPerSecond: number): number {
  if (!queue) return 0;
  if ('bytes' in queue) return Math.max(FULL_PACKET, queue.bytes);
  if (rateBytesPerSecond === 0) return 0;
  return Math.max(FULL_PACKET, Math.round((rateBytesPerSecond * queue.ms) / 1000));
}

/**
 * The access links that give every pair of nodes the path `spec`: a packet crosses its sender's uplink and its
 * receiver's downlink, so each carries a quarter of the round trip; the loss sits on the uplink alone, so each
 * direction of a path loses `spec.loss` (not twice it), and the jitter is split the same way as the delay.
 */
export function linksForPath(spec: PathSpec): { up: LinkSpec; down: LinkSpec } {
  const delayMs = spec.rttMs / 4;
  const jitterMs = (spec.jitterMs ?? 0) / 2;
  return {
    up: { delayMs, jitterMs, loss: spec.loss ?? 0, rateMbit: spec.upMbit, queue: spec.queue },
    down: { delayMs, jitterMs, rateMbit: spec.downMbit, queue: spec.queue },
  };
}

/** Checks a spec before any namespace is made, so a mistake is said in words instead of as a relay's crash. */
export function validateLink(name: string, link: LinkSpec): void {
  const problems: string[] = [];
  if (!(link.delayMs >= 0)) problems.push('delayMs must be 0 or more');
  if (link.jitterMs !== undefined && !(link.jitterMs >= 0)) problems.push('jitterMs must be 0 or more');
  if (link.loss !== undefined && !(link.loss >= 0 && link.loss < 1)) problems.push('loss must be in [0, 1)');
  if (link.rateMbit !== undefined && !(link.rateMbit >= 0)) problems.push('rateMbit must be 0 or more');
  if (problems.length > 0) throw new Error(`The emulated link ${name} is not valid: ${problems.join('; ')}.`);
}
