// Verification bookkeeping: digests, and who gets banned for bad pieces.

/** Most banned keys a session remembers (the oldest are forgotten first): a stranger who keeps making new identities
 * to get banned cannot grow the list without bound. */
export const MAX_BANNED = 4096;

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
 * Banned peers, by every key that names them: the peer id they chose, and what the adapter knows of the connection
 * (its remote address, its DTLS fingerprint), so a saboteur cannot come back under a new peer id. A peer that alone
 * sent a bad piece is banned at once; pieces with several senders only count strikes, and the downloader's smart ban
 * names the guilty sender once the piece verifies (see downloader.ts).
 */
export class BanList {
  private readonly strikes = new Map<string, number>();
  private readonly banned = new Set<string>();

  constructor(private readonly limit = MAX_BANNED) {}

  /** Is any of these keys banned? */
  isBanned(...keys: string[]): boolean {
    return keys.some((key) => this.banned.has(key));
  }

  /** Bans every key of a peer. */
  ban(keys: Iterable<string>): void {
    for (const key of keys) {
      if (key === '' || this.banned.has(key)) continue;
      this.banned.add(key);
      this.strikes.delete(key);
      if (this.banned.size > this.limit) this.banned.delete(this.banned.values().next().value as string);
    }
  }

  /** Records a piece that failed its hash check, by its senders' peer ids; returns the ones banned by it (newly): a
   * sole sender. A piece that a banned peer had a share in is explained by it: the others only get a strike (the
   * saboteur's blocks still in flight when it was banned must not make its honest co-sender look like a sole one). */
  badPiece(contributors: Iterable<string>): string[] {
    const all = [...new Set(contributors)];
    const ids = all.filter((id) => !this.banned.has(id));
    if (ids.length === 1 && all.length === 1) {
      this.ban(ids);
      return ids;
    }
    for (const id of ids) {
      this.strikes.set(id, (this.strikes.get(id) ?? 0) + 1);
      if (this.strikes.size > this.limit) this.strikes.delete(this.strikes.keys().next().value as string);
    }
    return [];
  }

  /** Bad pieces the peer had a share in. */
  strikesOf(peerId: string): number {
    return this.strikes.get(peerId) ?? 0;
  }

  get size(): number {
    return this.banned.size;
  }
}
