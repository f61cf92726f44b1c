// A simulated tracker: knows who announced, forgets peers that stopped or went silent for `timeoutMs`, and hands out
// a random subset of the peers it knows. It can fail (then it answers nothing) and come back empty.

export interface TrackerOptions {
  /** A peer that has not announced for this long is forgotten (crashed peers linger until then). */
  timeoutMs: number;
  random: () => number;
}

interface Entry<P> {
  peer: P;
  lastSeen: number;
  seeding: boolean;
}

export class SimTracker<P> {
  alive = true;
  readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly entries: Entry<P>[] = [];
  private readonly index = new Map<P, number>();
  announces = 0;
  private lastExpire = -Infinity;

  constructor(
    readonly name: string,
    options: TrackerOptions,
  ) {
    if (!(options.timeoutMs > 0))
      throw new RangeError(`tracker timeout must be > 0, got ${options.timeoutMs}`);
    this.timeoutMs = options.timeoutMs;
    this.random = options.random;
  }

  get size(): number {
    return this.entries.length;
  }

  /** A dead tracker loses its memory (in-memory state, like ours). */
  fail(): void {
    this.alive = false;
    this.entries.length = 0;
    this.index.clear();
  }

  recover(): void {
    this.alive = true;
  }

  /** Returns false when the tracker is down (the announce failed). */
  announce(
    peer: P,
    now: number,
    event: 'started' | 'completed' | 'stopped' | undefined,
    seeding: boolean,
  ): boolean {
    if (!this.alive) return false;
    this.announces++;
    if (event === 'stopped') {
      this.remove(peer);
      return true;
    }
    const at = this.index.get(peer);
    if (at === undefined) {
      this.index.set(peer, this.entries.length);
      this.entries.push({ peer, lastSeen: now, seeding });
    } else {
      this.entries[at].lastSeen = now;
      this.entries[at].seeding = seeding;
    }
    return true;
  }

  /** Up to `count` random peers other than `self` that `accept` allows, or undefined when the tracker is down. */
  sample(self: P, count: number, now: number, accept: (peer: P) => boolean): P[] | undefined {
    if (!this.alive) return undefined;
    this.expire(now);
    const n = this.entries.length;
    if (n === 0 || count <= 0) return [];
    const wanted = (peer: P) => peer !== self && accept(peer);
    // A partial Fisher-Yates over a copy of the indices when the ask is large; random probes otherwise.
    return count * 4 >= n ? this.shuffled(count, wanted) : this.probed(count, wanted);
  }

  /** Up to `count` wanted peers, in the order of a partial Fisher-Yates shuffle of all of them. */
  private shuffled(count: number, wanted: (peer: P) => boolean): P[] {
    const out: P[] = [];
    const n = this.entries.length;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < n && out.length < count; i++) {
      const j = i + Math.floor(this.random() * (n - i));
      [order[i], order[j]] = [order[j], order[i]];
      const peer = this.entries[order[i]].peer;
      if (wanted(peer)) out.push(peer);
    }
    return out;
  }

  /** Up to `count` wanted peers from at most `4 × count` random probes, each entry looked at once. */
  private probed(count: number, wanted: (peer: P) => boolean): P[] {
    const out: P[] = [];
    const n = this.entries.length;
    const seen = new Set<number>();
    for (let tries = 0; tries < count * 4 && out.length < count; tries++) {
      const i = Math.floor(this.random() * n);
      if (seen.has(i)) continue;
      seen.add(i);
      const peer = this.entries[i].peer;
      if (wanted(peer)) out.push(peer);
    }
    return out;
  }

  counts(now: number): { complete: number; incomplete: number } {
    this.expire(now);
    let complete = 0;
    for (const entry of this.entries) if (entry.seeding) complete++;
    return { complete, incomplete: this.entries.length - complete };
  }

  private remove(peer: P): void {
    const at = this.index.get(peer);
    if (at === undefined) return;
    const last = this.entries.pop()!;
    this.index.delete(peer);
    if (at < this.entries.length) {
      this.entries[at] = last;
      this.index.set(last.peer, at);
    }
  }

  private expire(now: number): void {
    if (now - this.lastExpire < 1000) return;
    this.lastExpire = now;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (i < this.entries.length && now - this.entries[i].lastSeen > this.timeoutMs)
        this.remove(this.entries[i].peer);
    }
  }
}
