// The smart ban's memory: the blocks of pieces that failed their hash check, each with the keys of its sender, kept
// until a good copy of the piece says whose blocks differed. Bounded in bytes; the oldest pieces go first.
import { bytesEqual } from './verify';

/** Most bytes of failed pieces' blocks kept for the smart ban (the oldest pieces are forgotten first). */
export const MAX_SUSPECT_BYTES = 32 * 1024 * 1024;

/** A block of a piece that failed its hash check: if it differs from the good block, its sender is a saboteur. */
export interface SuspectBlock {
  begin: number;
  data: Uint8Array;
  /** Every key that names its sender: peer id (hex) and the connection's identities. */
  sender: string[];
}

export class SuspectBlocks {
  private readonly byPiece = new Map<number, SuspectBlock[]>();
  private held = 0;

  constructor(private readonly maxBytes = MAX_SUSPECT_BYTES) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  /** Remembers more blocks of a failed piece (the piece becomes the newest); the oldest pieces go past the bound. */
  remember(index: number, blocks: readonly SuspectBlock[]): void {
    const kept = this.byPiece.get(index) ?? [];
    for (const block of blocks) {
      kept.push(block);
      this.held += block.data.length;
    }
    this.byPiece.delete(index);
    this.byPiece.set(index, kept);
    while (this.held > this.maxBytes) {
      const [oldest, dropped] = this.byPiece.entries().next().value as [number, SuspectBlock[]];
      this.byPiece.delete(oldest);
      for (const block of dropped) this.held -= block.data.length;
    }
  }

  /** The piece verified as `good`: forgets its blocks and returns the senders of those that differ from it. */
  saboteurs(index: number, good: Uint8Array): string[][] {
    const blocks = this.byPiece.get(index);
    if (!blocks) return [];
    this.byPiece.delete(index);
    const saboteurs: string[][] = [];
    for (const block of blocks) {
      this.held -= block.data.length;
      if (!bytesEqual(block.data, good.subarray(block.begin, block.begin + block.data.length)))
        saboteurs.push(block.sender);
    }
    return saboteurs;
  }
}
