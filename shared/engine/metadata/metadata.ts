// BEP 9 metadata exchange, fetching side: which 16 KiB pieces of the info dictionary we asked whom for, and the
// assembly of the answers. Serving is a few lines in the session (it only needs the info bytes).
import { MAX_METADATA_SIZE, METADATA_PIECE_SIZE } from '../../codec/extension';
import type { PeerKey } from '../contract/engine-types';

/** Metadata requests outstanding to one peer at a time. */
const PER_PEER = 4;

export type MetadataResult =
  | { kind: 'ok' }
  /** Every piece is here: hash `bytes` and compare with the info hash. */
  | { kind: 'complete'; bytes: Uint8Array }
  /** The peer broke the protocol (wrong size, bad piece length, unrequested piece): close it. */
  | { kind: 'violation'; reason: string };

interface Source {
  size: number;
  /** Pieces asked of this peer and not answered yet, with when. */
  asked: Map<number, number>;
  /** Every piece ever asked of it: a late answer (after a timeout) is still welcome, not a violation. */
  everAsked: Set<number>;
  /** It contributed to metadata that failed the hash check: do not ask it again. */
  useless: boolean;
  /** It rejected or timed out: do not ask it before this time. */
  restUntil: number;
}

export class MetadataFetch {
  private readonly sources = new Map<PeerKey, Source>();
  /** The size we are assembling (from the first usable peer), the buffer, and which pieces arrived from whom. */
  private size: number | undefined;
  private buffer: Uint8Array | undefined;
  private received: Array<PeerKey | undefined> = [];
  private requested = new Map<number, PeerKey>();
  /** Waiting for the hash check of a complete buffer. */
  verifying = false;
  /** Assemblies of each size that failed the hash check: a size that failed is tried after the others. */
  private readonly failures = new Map<number, number>();

  /** The complete buffer while it is being verified. */
  get assembled(): Uint8Array | undefined {
    return this.verifying ? this.buffer : undefined;
  }

  /** A peer's extended handshake offers ut_metadata with this size. Returns a reason to refuse it, if any. */
  addPeer(peer: PeerKey, size: number): string | undefined {
    if (!Number.isSafeInteger(size) || size <= 0) return `invalid metadata_size ${size}`;
    if (size > MAX_METADATA_SIZE) return `metadata_size ${size} exceeds the limit of ${MAX_METADATA_SIZE}`;
    this.sources.set(peer, {
      size,
      asked: new Map(),
      everAsked: new Set(),
      useless: false,
      restUntil: -Infinity,
    });
    return undefined;
  }

  hasPeer(peer: PeerKey): boolean {
    return this.sources.has(peer);
  }

  /** Pieces to request from this peer now (marked as asked at `now`). */
  nextRequests(peer: PeerKey, now: number): number[] {
    const source = this.sources.get(peer);
    if (!source || source.useless || this.verifying || now < source.restUntil) return [];
    this.takeTurn(source.size, now);
    if (source.size !== this.size || !this.buffer) return [];
    return this.askFree(peer, source, now);
  }

  /**
   * Peers are grouped by the size they announce. The size being assembled keeps the turn while one of its peers is
   * working on it or can be asked; a group whose peers all reject, stay silent or proved useless gives way, so
   * that a peer announcing a wrong size cannot stall the magnet.
   */
  private takeTurn(size: number, now: number): void {
    if (this.size === undefined || (size !== this.size && !this.groupAlive(this.size, now))) {
      this.start(this.preferredSize(now) ?? size);
    }
  }

  /** Asks the peer for the pieces nobody has sent or been asked for, up to its share. */
  private askFree(peer: PeerKey, source: Source, now: number): number[] {
    const out: number[] = [];
    const count = this.received.length;
    for (let piece = 0; piece < count && source.asked.size < PER_PEER; piece++) {
      if (this.received[piece] !== undefined || this.requested.has(piece)) continue;
      this.requested.set(piece, peer);
      source.asked.set(piece, now);
      source.everAsked.add(piece);
      out.push(piece);
    }
    return out;
  }

  /** Whether a peer of this size is still useful now: answering our requests, or not resting. */
  private groupAlive(size: number, now: number): boolean {
    for (const source of this.sources.values()) {
      if (source.useless || source.size !== size) continue;
      if (source.asked.size > 0 || now >= source.restUntil) return true;
    }
    return false;
  }

  /** Of the sizes with a peer that can be asked now: fewest failed assemblies first, then the most peers. */
  private preferredSize(now: number): number | undefined {
    const votes = new Map<number, number>();
    for (const source of this.sources.values()) {
      if (source.useless || now < source.restUntil) continue;
      votes.set(source.size, (votes.get(source.size) ?? 0) + 1);
    }
    let best: number | undefined;
    let bestKey: [number, number] = [Infinity, 0];
    for (const [size, count] of votes) {
      const failures = this.failures.get(size) ?? 0;
      if (failures < bestKey[0] || (failures === bestKey[0] && count > bestKey[1])) {
        best = size;
        bestKey = [failures, count];
      }
    }
    return best;
  }

  private start(size: number): void {
    this.size = size;
    this.buffer = new Uint8Array(size);
    this.received = new Array<PeerKey | undefined>(Math.ceil(size / METADATA_PIECE_SIZE)).fill(undefined);
    this.requested.clear();
  }

  data(peer: PeerKey, piece: number, totalSize: number, data: Uint8Array, now: number): MetadataResult {
    const source = this.sources.get(peer);
    if (!source || !source.everAsked.has(piece))
      return { kind: 'violation', reason: 'unrequested metadata piece' };
    source.asked.delete(piece);
    if (this.requested.get(piece) === peer) this.requested.delete(piece);
    if (totalSize !== source.size) {
      return { kind: 'violation', reason: `metadata total_size ${totalSize} differs from metadata_size` };
    }
    if (this.verifying) return { kind: 'ok' }; // a late answer while the assembled bytes are being hashed
    if (!this.buffer || source.size !== this.size) {
      // A late answer for an assembly of another size, given up since: ignored while the current size's peers
      // work; otherwise this peer has just shown it answers, and its size takes the turn.
      if (this.buffer && this.size !== undefined && this.groupAlive(this.size, now)) return { kind: 'ok' };
      this.start(source.size);
    }
    return this.place(peer, piece, data);
  }

  /** Puts an answer into the assembly: the whole dictionary once every piece is here. */
  private place(peer: PeerKey, piece: number, data: Uint8Array): MetadataResult {
    const buffer = this.buffer!;
    const start = piece * METADATA_PIECE_SIZE;
    const expected = Math.min(METADATA_PIECE_SIZE, buffer.length - start);
    if (expected <= 0 || data.length !== expected) {
      return {
        kind: 'violation',
        reason: `metadata piece ${piece} has ${data.length} bytes, expected ${expected}`,
      };
    }
    if (this.received[piece] !== undefined) return { kind: 'ok' };
    buffer.set(data, start);
    this.received[piece] = peer;
    if (this.received.every((from) => from !== undefined)) {
      this.verifying = true;
      return { kind: 'complete', bytes: buffer };
    }
    return { kind: 'ok' };
  }

  /** The peer rejected a request (it lacks the metadata, or throttles): ask others, and it only after a rest. */
  reject(peer: PeerKey, piece: number, now: number, restMs: number): void {
    const source = this.sources.get(peer);
    if (!source) return;
    source.asked.delete(piece);
    source.restUntil = now + restMs;
    this.releaseFrom(peer);
  }

  peerGone(peer: PeerKey): void {
    this.releaseFrom(peer);
    this.sources.delete(peer);
  }

  /** Requests older than `timeoutMs` go back to the pool (for other peers); their peer rests as long. A late answer
   * is still accepted. Returns true if any request expired. */
  expire(now: number, timeoutMs: number): boolean {
    let any = false;
    for (const [peer, source] of this.sources) {
      let expired = false;
      for (const at of source.asked.values()) if (now - at >= timeoutMs) expired = true;
      if (!expired) continue;
      any = true;
      source.restUntil = now + timeoutMs;
      this.releaseFrom(peer);
    }
    return any;
  }

  /** The assembled bytes did not hash to the info hash: drop them, distrust every contributor, start over. */
  failed(): PeerKey[] {
    const contributors = [...new Set(this.received.filter((p): p is PeerKey => p !== undefined))];
    for (const peer of contributors) {
      const source = this.sources.get(peer);
      if (source) source.useless = true;
    }
    if (this.size !== undefined) this.failures.set(this.size, (this.failures.get(this.size) ?? 0) + 1);
    this.size = undefined;
    this.buffer = undefined;
    this.received = [];
    this.requested.clear();
    this.verifying = false;
    return contributors;
  }

  /** The metadata is known: drop the buffer and every source. */
  finish(): void {
    this.sources.clear();
    this.size = undefined;
    this.buffer = undefined;
    this.received = [];
    this.requested.clear();
    this.verifying = false;
  }

  /** Peers that may still be asked (the session offers them requests; resting ones get none yet). */
  candidates(): PeerKey[] {
    const out: PeerKey[] = [];
    for (const [peer, source] of this.sources) if (!source.useless) out.push(peer);
    return out;
  }

  private releaseFrom(peer: PeerKey): void {
    const source = this.sources.get(peer);
    if (source) source.asked.clear();
    for (const [piece, who] of this.requested) if (who === peer) this.requested.delete(piece);
  }
}
