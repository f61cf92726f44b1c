// Reading a file front to back in big chunks, the next one read ahead while the caller works on this one.

/** What a share reads: a Blob, or content made as it is read (a private share's ciphertext). */
export interface ShareSource {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Reads a file front to back in chunks of `chunkBytes`, the next chunk read while the caller works on this one; a
 * read within the chunk is a view of it (no copy).
 */
export class ChunkReader {
  private start = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private next: { start: number; bytes: Promise<Uint8Array> } | undefined;

  constructor(
    private readonly file: ShareSource,
    private readonly chunkBytes: number,
  ) {}

  async read(at: number, length: number): Promise<Uint8Array> {
    if (at < this.start || at + length > this.start + this.chunk.length) {
      const ahead = this.next;
      this.next = undefined;
      const bytes = ahead && ahead.start === at ? await ahead.bytes : undefined;
      this.start = at;
      this.chunk =
        bytes && bytes.length >= length ? bytes : await this.load(at, Math.max(length, this.chunkBytes));
      const following = at + this.chunk.length;
      if (following < this.file.size)
        this.next = { start: following, bytes: this.load(following, this.chunkBytes) };
      this.next?.bytes.catch(() => undefined); // a failure is reported when that chunk is read
    }
    const from = at - this.start;
    return this.chunk.subarray(from, from + length);
  }

  private async load(at: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(await this.file.slice(at, Math.min(this.file.size, at + length)).arrayBuffer());
  }
}
