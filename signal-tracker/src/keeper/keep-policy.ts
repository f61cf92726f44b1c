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
}

/** One share the keeper holds, as written to its folder. */
export interface KeepRecord {
  /** The v1 (or truncated v2) info hash, hex: the swarm the keeper joins. */
  infoHash: string;
  /** The share's bytes. */
  length: number;
  /** The address that asked for it. */
  address: string;
  /** Wall-clock ms after which it is deleted. */
  expiresAt: number;
  /** What `Stop keeping` must carry: handed to the tab that asked, and to no one else. */
  stopToken: string;
}

export interface KeepAsk {
  infoHash: string;
  length: number;
  address: string;
  token: string | undefined;
}

const MiB = 1024 * 1024;

/** A byte count a person reads. */
export function byteWords(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(1)} GB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** Why the keeper refuses `ask`, or undefined when it takes it. `diskRoom`: the bytes its folder's filesystem can
 * still take (free space less what shares being fetched have still to write). */
export function keepRefusal(
  ask: KeepAsk,
  kept: readonly KeepRecord[],
  limits: KeeperLimits,
  diskRoom = Infinity,
): string | undefined {
  if (limits.token !== undefined && ask.token !== limits.token)
    return 'This keeper only keeps shares for people who have its token.';
  if (kept.some((record) => record.infoHash === ask.infoHash)) return 'The keeper already keeps this share.';
  if (ask.length > limits.quotaBytes || ask.length > limits.perAddressBytes) {
    const most = Math.min(limits.quotaBytes, limits.perAddressBytes);
    return `This share is ${byteWords(ask.length)}; the keeper keeps shares of at most ${byteWords(most)}.`;
  }
  const used = kept.reduce((sum, record) => sum + record.length, 0);
  if (used + ask.length > limits.quotaBytes)
    return `The keeper is full: it has ${byteWords(limits.quotaBytes - used)} free and this share is ${byteWords(ask.length)}.`;
  const yours = kept.filter((record) => record.address === ask.address);
  const usedByYou = yours.reduce((sum, record) => sum + record.length, 0);
  if (usedByYou + ask.length > limits.perAddressBytes)
    return `The keeper already keeps ${byteWords(usedByYou)} for your address, of at most ${byteWords(limits.perAddressBytes)}.`;
  if (ask.length > diskRoom)
    return `The keeper's disk is full: it has ${byteWords(Math.max(0, diskRoom))} free and this share is ${byteWords(ask.length)}.`;
  return undefined;
}
