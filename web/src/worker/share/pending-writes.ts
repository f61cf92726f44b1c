// Pieces handed to storage while a share or a seed check goes on: each write is started at once and waited for
// only when the bytes not yet written pass a bound (so a slow store holds the reader back, and memory stays
// bounded), and all of them at the end. Awaiting each write in turn would tie the reading to the store's
// transactions, which the piece file store spaces 200 ms apart.

export class PendingWrites {
  private readonly pending: Array<{ write: Promise<void>; bytes: number }> = [];
  private pendingBytes = 0;
  private failure: { error: unknown } | undefined;
  /** Writes that succeeded. */
  written = 0;

  constructor(private readonly maxPendingBytes: number) {}

  /** Adds a write of `bytes`; resolves once the writes not yet done hold at most the bound. Throws the first
   * failure of any write so far. */
  async add(write: Promise<void>, bytes: number): Promise<void> {
    this.pending.push({
      write: write.then(
        () => {
          this.written++;
        },
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
      bytes,
    });
    this.pendingBytes += bytes;
    while (this.pendingBytes > this.maxPendingBytes && this.pending.length > 0) {
      const oldest = this.pending.shift()!;
      this.pendingBytes -= oldest.bytes;
      await oldest.write;
    }
    this.throwFailure();
  }

  /** Waits for every write; throws the first failure. */
  async settle(): Promise<void> {
    await Promise.all(this.pending.map((entry) => entry.write));
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.throwFailure();
  }

  /** Throws the first failure so far, if any. */
  throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
