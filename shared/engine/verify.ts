// Verification bookkeeping: which peers contributed blocks to a piece, and who gets banned for bad pieces.

/** A peer involved in this many bad pieces is banned; one that alone sent a bad piece is banned at once. */
export const BAD_PIECES_TO_BAN = 3;

/** Compares a digest with the piece's expected 20-byte hash inside the concatenated `pieces` string. */
export function digestMatches(pieces: Uint8Array, index: number, digest: Uint8Array): boolean {
  if (digest.length !== 20) return false;
  const start = index * 20;
  if (start + 20 > pieces.length) return false;
  for (let i = 0; i < 20; i++) if (pieces[start + i] !== digest[i]) return false;
  return true;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Strikes against peers (by peer id, so a reconnect does not wipe them) and the ban list for the session.
 */
export class BanList {
  private readonly strikes = new Map<string, number>();
  private readonly banned = new Set<string>();

  constructor(private readonly threshold = BAD_PIECES_TO_BAN) {}

  isBanned(peerId: string): boolean {
    return this.banned.has(peerId);
  }

  /** Records a piece that failed its hash check; returns the peer ids banned by it (newly). */
  badPiece(contributors: Iterable<string>): string[] {
    const ids = [...new Set(contributors)];
    const newlyBanned: string[] = [];
    for (const id of ids) {
      if (this.banned.has(id)) continue;
      const count = (this.strikes.get(id) ?? 0) + 1;
      this.strikes.set(id, count);
      if (ids.length === 1 || count >= this.threshold) {
        this.banned.add(id);
        newlyBanned.push(id);
      }
    }
    return newlyBanned;
  }

  strikesOf(peerId: string): number {
    return this.strikes.get(peerId) ?? 0;
  }

  get size(): number {
    return this.banned.size;
  }
}
