// The leaf hashes of v2 pieces (the SHA-256 of each 16 KiB block) computed in a worker of their own (hash.worker.ts),
// so the engine worker, which also reads a web seed's body, assembles its pieces and writes them, does not pay
// SubtleCrypto's cost per call as well (a promise and a task per 16 KiB block, 64 for a 1 MiB piece): the two
// cores share the stages. The page starts the hash worker beside the engine worker and hands the engine one end of a
// channel to it (hash-link.ts), because a worker the engine worker starts itself can block the engine's thread for
// good in Gecko: its `new Worker` never returns in some starts under a service worker's control.
//
// How pieces flow: the engine's `hash` action hands a piece here; a copy of it is transferred to the hash worker (the
// engine keeps its own buffer for the `store` that follows), at most IN_FLIGHT_BYTES of copies at once (at least one
// piece); the other pieces wait here, those a player waits for (`urgent`) ahead of the rest, so a player's piece never
// waits behind more than that many bytes of a web seed's run. The copies held are bounded by IN_FLIGHT_BYTES; the
// waiting pieces are the engine's own buffers, not copies. The hash worker gives each copy's buffer back with its
// answer, and the next copy of the same size is made into it: a fresh 1 MiB buffer costs its pages' first touch,
// several times the copy itself. Until the hash worker is attached, and after it fails, this thread hashes (`local`),
// the pieces it held included.
import type { HashAnswer, HashRequest } from './hash-requests';

/** Bytes of piece copies in the hash worker at once: enough to keep it busy between answers. */
export const IN_FLIGHT_BYTES = 4 * 1024 * 1024;

/** The hash worker as this side sees it. */
export interface HashWorkerLike {
  postMessage(message: HashRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** The leaf hashes of a piece, concatenated; `urgent`: a player waits for it. */
export type BlockHashes = (data: Uint8Array, urgent: boolean) => Promise<Uint8Array>;

interface Job {
  data: Uint8Array;
  resolve(hashes: Uint8Array): void;
  reject(error: Error): void;
}

export class BlockHasher {
  private worker: HashWorkerLike | undefined;
  private readonly urgent: Job[] = [];
  private readonly normal: Job[] = [];
  /** Jobs in the hash worker, by request id. */
  private readonly posted = new Map<number, Job>();
  private postedBytes = 0;
  private nextId = 1;
  /** Buffers the hash worker gave back, for the next copies (at most `bound` bytes of them). */
  private readonly spare: ArrayBuffer[] = [];
  private spareBytes = 0;

  constructor(
    /** Leaf hashes in this thread. */
    private readonly local: (data: Uint8Array) => Promise<Uint8Array>,
    /** Bytes of copies in the hash worker at once (at least one piece). */
    private readonly bound = IN_FLIGHT_BYTES,
  ) {}

  /** The hash worker is there: pieces go to it from now on (one attached before stays). */
  attach(worker: HashWorkerLike): void {
    if (this.worker) return;
    this.worker = worker;
    worker.onmessage = (event) => this.answered(event.data as HashAnswer);
    worker.onerror = () => this.lost();
    this.pump();
  }

  readonly hash: BlockHashes = (data, urgent) => {
    if (!this.worker) return this.local(data);
    return new Promise<Uint8Array>((resolve, reject) => {
      (urgent ? this.urgent : this.normal).push({ data, resolve, reject });
      this.pump();
    });
  };

  /** Bytes of copies in the hash worker now. */
  get inFlightBytes(): number {
    return this.postedBytes;
  }

  /** Pieces waiting here for room in the hash worker. */
  get waiting(): number {
    return this.urgent.length + this.normal.length;
  }

  private pump(): void {
    const worker = this.worker;
    if (!worker) return;
    for (;;) {
      const next = this.urgent[0] ?? this.normal[0];
      if (!next) return;
      if (this.posted.size > 0 && this.postedBytes + next.data.length > this.bound) return;
      (this.urgent.length > 0 ? this.urgent : this.normal).shift();
      const id = this.nextId++;
      this.posted.set(id, next);
      this.postedBytes += next.data.length;
      const copy = this.copyOf(next.data);
      worker.postMessage({ id, data: copy }, [copy]);
    }
  }

  /** The piece's bytes in a buffer of its own: a spare one of its size, or a new one. */
  private copyOf(data: Uint8Array): ArrayBuffer {
    const at = this.spare.findIndex((buffer) => buffer.byteLength === data.length);
    if (at < 0) return data.slice().buffer;
    const [buffer] = this.spare.splice(at, 1);
    this.spareBytes -= buffer.byteLength;
    new Uint8Array(buffer).set(data);
    return buffer;
  }

  private keepSpare(buffer: ArrayBuffer): void {
    if (this.spareBytes + buffer.byteLength > this.bound) return;
    this.spare.push(buffer);
    this.spareBytes += buffer.byteLength;
  }

  private answered(answer: HashAnswer): void {
    const job = this.posted.get(answer.id);
    if (!job) return;
    this.keepSpare(answer.data);
    this.posted.delete(answer.id);
    this.postedBytes -= job.data.length;
    if ('hashes' in answer) job.resolve(new Uint8Array(answer.hashes));
    else job.reject(new Error(answer.error));
    this.pump();
  }

  /** The hash worker failed: this thread hashes what it held and what waits. */
  lost(): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.terminate();
    const jobs = [...this.posted.values(), ...this.urgent.splice(0), ...this.normal.splice(0)];
    this.posted.clear();
    this.postedBytes = 0;
    for (const job of jobs) this.local(job.data).then(job.resolve, job.reject);
  }
}
