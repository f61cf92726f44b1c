/** A fixed-length set of bits, most significant bit first, as BEP 3's `bitfield` message lays it out. */
export class Bitfield {
  readonly length: number;
  readonly bytes: Uint8Array;

  constructor(length: number, bytes?: Uint8Array) {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`invalid bitfield length ${length}`);
    this.length = length;
    const size = Math.ceil(length / 8);
    if (bytes) {
      if (bytes.length !== size)
        throw new RangeError(`bitfield of ${length} bits needs ${size} bytes, got ${bytes.length}`);
      this.bytes = bytes;
    } else {
      this.bytes = new Uint8Array(size);
    }
  }

  /** Parses a peer's bitfield: the size must match and the spare bits at the end must be zero. */
  static fromBytes(bytes: Uint8Array, length: number): Bitfield {
    const field = new Bitfield(length, bytes.slice());
    const spare = field.bytes.length * 8 - length;
    if (spare > 0 && (field.bytes[field.bytes.length - 1] & ((1 << spare) - 1)) !== 0) {
      throw new RangeError('bitfield has spare bits set');
    }
    return field;
  }

  static full(length: number): Bitfield {
    const field = new Bitfield(length);
    field.setAll();
    return field;
  }

  get(index: number): boolean {
    if (index < 0 || index >= this.length) return false;
    return (this.bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
  }

  set(index: number, value = true): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`bit ${index} is outside a bitfield of ${this.length}`);
    }
    if (value) this.bytes[index >> 3] |= 0x80 >> (index & 7);
    else this.bytes[index >> 3] &= ~(0x80 >> (index & 7));
  }

  setAll(): void {
    this.bytes.fill(0xff);
    const spare = this.bytes.length * 8 - this.length;
    if (spare > 0) this.bytes[this.bytes.length - 1] &= 0xff << spare;
  }

  count(): number {
    let n = 0;
    for (const byte of this.bytes) n += POPCOUNT[byte];
    return n;
  }

  isComplete(): boolean {
    return this.count() === this.length;
  }

  /** The lowest index not set, or -1 when every bit is set. */
  firstMissing(): number {
    for (let i = 0; i < this.bytes.length; i++) {
      if (this.bytes[i] !== 0xff) {
        for (let bit = 0; bit < 8; bit++) {
          const index = i * 8 + bit;
          if (index >= this.length) return -1;
          if ((this.bytes[i] & (0x80 >> bit)) === 0) return index;
        }
      }
    }
    return -1;
  }

  clone(): Bitfield {
    return new Bitfield(this.length, this.bytes.slice());
  }
}

const POPCOUNT = new Uint8Array(256);
for (let i = 0; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];
