// What one torrent's connections hold that has not left yet, reported to its engine session as `upload-queue` (the
// engine paces its upload to it, shared/engine/upload/pacer.ts), as the lab's uplink reports its queue after every
// block. A data channel tells when its buffer falls under a threshold, not when each message leaves, so the report
// looks again every POLL_MS while anything is held (and at once when a writer writes or its channel drains), and
// every KEEPALIVE_MS while nothing is (under PACE_SILENCE_MS: the engine stays paced while idle). It reports a
// changed figure, the keep-alive, and any figure after a write or a drain: the engine counts every block it sent
// since the last report as held, so a block written and gone by the next look (the same figure as before) must be
// reported too, or the engine waits for the keep-alive with a full window.
//
// Every host that writes connections uses it: the browser's page and worker (web/src/net/page/peers.ts,
// web/src/worker/transport/owned-channels.ts), each channel's writer added with `ChannelWriter.reportTo`, and Node's
// torrents (node-host/node-torrent.ts), each socket or WebRTC channel added with `TcpPeer.reportTo`. A connection
// calls `changed` on every write and drain and removes itself when it closes. One added with its key is also
// reported on its own (`byPeer`, the connections holding any): each connection is its own SCTP association (or TCP
// stream), and the engine keeps one from holding the whole window (shared/engine/upload/pacer.ts `connectionShare`).

/** While anything is held, how often the report looks again. */
export const POLL_MS = 10;
/** While nothing is held, how often the report repeats itself (below the engine's PACE_SILENCE_MS of 5 s). */
export const KEEPALIVE_MS = 1000;

/** A connection's bytes that have not left: its writer's queue and its channel's buffer. */
export interface HeldBytes {
  readonly heldBytes: number;
}

/** The host's clock and timers (shared/ reads none of its own): its own, or the page's wake clock. */
export interface ReportClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Each named connection's bytes held, those holding any. */
export type HeldByPeer = Array<[peer: string, bytes: number]>;

export class UploadQueueReport {
  /** Each connection, with its key where it was given one. */
  private readonly sources = new Map<HeldBytes, string | undefined>();
  private reported: number | undefined;
  private reportedAt = -Infinity;
  private timer: unknown;
  /** When the pending look is due. */
  private dueAt = Infinity;
  /** A write or a drain since the last look. */
  private dirty = false;

  constructor(
    private readonly report: (bytes: number, byPeer: HeldByPeer) => void,
    private readonly clock: ReportClock,
  ) {}

  /** Counts a connection from now on (the first report follows POLL_MS later), as `peer`'s where given. */
  add(source: HeldBytes, peer?: string): void {
    this.sources.set(source, peer);
    this.changed();
  }

  remove(source: HeldBytes): void {
    if (!this.sources.delete(source)) return;
    if (this.sources.size === 0) this.stop();
    else this.changed();
  }

  /** A writer wrote or its channel drained: look again soon. */
  changed(): void {
    this.dirty = true;
    if (this.sources.size > 0) this.lookIn(POLL_MS);
  }

  /** Bytes held now by every connection. */
  get heldBytes(): number {
    let bytes = 0;
    for (const source of this.sources.keys()) bytes += source.heldBytes;
    return bytes;
  }

  /** What each named connection holds, those holding any. */
  private heldByPeer(): HeldByPeer {
    const held: HeldByPeer = [];
    for (const [source, peer] of this.sources) {
      const bytes = source.heldBytes;
      if (peer !== undefined && bytes > 0) held.push([peer, bytes]);
    }
    return held;
  }

  stop(): void {
    this.sources.clear();
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Infinity;
  }

  private look(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Infinity;
    if (this.sources.size === 0) return;
    const bytes = this.heldBytes;
    const now = this.clock.now();
    if (this.dirty || bytes !== this.reported || now - this.reportedAt >= KEEPALIVE_MS) {
      this.dirty = false;
      this.reported = bytes;
      this.reportedAt = now;
      this.report(bytes, this.heldByPeer());
    }
    this.lookIn(bytes > 0 ? POLL_MS : KEEPALIVE_MS);
  }

  private lookIn(ms: number): void {
    const due = this.clock.now() + ms;
    if (this.timer !== undefined && this.dueAt <= due) return;
    this.clock.clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = this.clock.setTimeout(() => this.look(), ms);
  }
}
