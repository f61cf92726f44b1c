// Whether the keeper takes a share: its token, its room in all, per requesting address and on its disk, said in words
// when not.
// Pure: the records and the request in, a refusal or nothing out.

export interface KeeperLimits {
  /** Bytes the keeper holds in all. */
  quotaBytes: number;
  /** Bytes the keeper holds for the shares one address asked for. */
  perAddressBytes: number;
  /** How long a share is kept, in hours. */
  hours: number;
  /** Only requests carrying this token are taken (none: anyone's). */
  token?: string;
  /** Shares kept in all (default MAX_SHARES). */
  maxShares?: number;
  /** Shares kept for one address (default MAX_SHARES_PER_ADDRESS). */
  maxSharesPerAddress?: number;
}

/** Shares kept in all: each costs the keeper's memory (its engine, its swarm) whatever its bytes. */
export const MAX_SHARES = 256;
/** Shares kept for one address: one address cannot take every place. */
export const MAX_SHARES_PER_ADDRESS = 16;

/** One share the keeper holds, as written to its folder. */
export interface KeepRecord {
  /** The v1 (or truncated v2) info hash, hex: the swarm the keeper joins. */
  infoHash: string;
  /** The share's bytes. */
  length: number;
  /** The bytes it may take on the keeper's disk (keep-footprint.ts): what the quotas count. */
  footprint?: number;
  /** Who asked for it: a keyed hash of its address (requester-key.ts), never the address itself. */
  requester: string;
  /** Wall-clock ms after which it is deleted. */
  expiresAt: number;
  /** What `Stop keeping` must carry: handed to the tab that asked, and to no one else. */
  stopToken: string;
}

export interface KeepAsk {
  infoHash: string;
  /** The bytes the share would take on the keeper's disk (keep-footprint.ts). */
  footprint: number;
  /** The asker's key (requester-key.ts). */
  requester: string;
  token: string | undefined;
}

const MiB = 1024 * 1024;

/** A byte count a person reads. */
export function byteWords(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(1)} GB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** What a record counts against the quotas: a record written before footprints were counted counts its length. */
const bytesOf = (record: KeepRecord): number => record.footprint ?? record.length;
const sum = (records: readonly KeepRecord[]): number => records.reduce((all, r) => all + bytesOf(r), 0);

function countRefusal(ask: KeepAsk, kept: readonly KeepRecord[], limits: KeeperLimits): string | undefined {
  const most = limits.maxShares ?? MAX_SHARES;
  if (kept.length >= most) return `The keeper is full: it keeps ${most} shares, its most.`;
  const mostYours = limits.maxSharesPerAddress ?? MAX_SHARES_PER_ADDRESS;
  if (kept.filter((record) => record.requester === ask.requester).length >= mostYours)
    return `The keeper already keeps ${mostYours} shares for your address, its most for one address.`;
  return undefined;
}

function byteRefusal(ask: KeepAsk, kept: readonly KeepRecord[], limits: KeeperLimits): string | undefined {
  const size = ask.footprint;
  if (size > limits.quotaBytes || size > limits.perAddressBytes) {
    const most = Math.min(limits.quotaBytes, limits.perAddressBytes);
    return `This share takes ${byteWords(size)}; the keeper keeps shares of at most ${byteWords(most)}.`;
  }
  const used = sum(kept);
  if (used + size > limits.quotaBytes)
    return `The keeper is full: it has ${byteWords(limits.quotaBytes - used)} free and this share takes ${byteWords(size)}.`;
  const usedByYou = sum(kept.filter((record) => record.requester === ask.requester));
  if (usedByYou + size > limits.perAddressBytes)
    return `The keeper already keeps ${byteWords(usedByYou)} for your address, of at most ${byteWords(limits.perAddressBytes)}.`;
  return undefined;
}

/** Why the keeper refuses a request without the token it was started with, or undefined when it takes it: checked
 * before anything else, a kept share's stop token included. */
export function tokenRefusal(token: string | undefined, limits: KeeperLimits): string | undefined {
  if (limits.token !== undefined && token !== limits.token)
    return 'This keeper only keeps shares for people who have its token.';
  return undefined;
}

/** Why the keeper refuses `ask`, or undefined when it takes it. `diskRoom`: the bytes its folder's filesystem can
 * still take (free space less what shares being fetched have still to write). */
export function keepRefusal(
  ask: KeepAsk,
  kept: readonly KeepRecord[],
  limits: KeeperLimits,
  diskRoom = Infinity,
): string | undefined {
  const untokened = tokenRefusal(ask.token, limits);
  if (untokened) return untokened;
  if (kept.some((record) => record.infoHash === ask.infoHash)) return 'The keeper already keeps this share.';
  const refusal = countRefusal(ask, kept, limits) ?? byteRefusal(ask, kept, limits);
  if (refusal) return refusal;
  if (ask.footprint > diskRoom)
    return `The keeper's disk is full: it has ${byteWords(Math.max(0, diskRoom))} free and this share takes ${byteWords(ask.footprint)}.`;
  return undefined;
}
