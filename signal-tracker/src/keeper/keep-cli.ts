// The keeper's flags of `node signal-tracker`: --keep-dir turns it on; the rest bound it.
import type { KeeperServerOptions } from './keeper-service';
import { byteWords } from './keep-policy';

/** An option's text and where it came from (a flag or a variable), as the tracker's CLI reads them. */
type OptionSource = (flag: string, variable: string) => { text: string; source: string } | null;

export const KEEP_FLAGS = ['keep-dir', 'keep-quota', 'keep-per-address', 'keep-hours', 'keep-token'];

export const KEEP_USAGE = `Keeping shares online after their tab closes (docs/deploying.md):
  --keep-dir <folder>   run a keeper that stores shares here and seeds them (KEEP_DIR); off without it
  --keep-quota <size>   bytes the keeper holds in all, e.g. 20G, 500M (KEEP_QUOTA, default 10G)
  --keep-per-address <size>  bytes kept for the requests of one address (KEEP_PER_ADDRESS, default 2G)
  --keep-hours <h>      how long a share is kept (KEEP_HOURS, default 24)
  --keep-token <t>      keep only for requests carrying this token (KEEP_TOKEN); anyone's without it`;

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** A size: bytes, or a number with K, M, G or T (powers of 1024). */
export function parseSize(text: string, source: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * UNITS[match[2].toUpperCase()]) : NaN;
  if (!(bytes >= 1)) throw new Error(`invalid size ${JSON.stringify(text)} (${source}): e.g. 500M or 20G`);
  return bytes;
}

/** Hours, fractions allowed (a test keeps for seconds), at most a year. */
export function parseHours(text: string, source: string): number {
  const hours = Number(text);
  if (text.trim() === '' || !(hours > 0) || hours > 24 * 366)
    throw new Error(`invalid hours ${JSON.stringify(text)} (${source}): a number above 0`);
  return hours;
}

/** The keeper's options, or undefined without --keep-dir (its other flags alone are an error). */
export function readKeeper(given: OptionSource): KeeperServerOptions | undefined {
  const folder = given('keep-dir', 'KEEP_DIR');
  const quota = given('keep-quota', 'KEEP_QUOTA');
  const perAddress = given('keep-per-address', 'KEEP_PER_ADDRESS');
  const hours = given('keep-hours', 'KEEP_HOURS');
  const token = given('keep-token', 'KEEP_TOKEN');
  const other = quota ?? perAddress ?? hours ?? token;
  if (!folder && other) throw new Error(`${other.source} needs --keep-dir (or KEEP_DIR)`);
  if (!folder) return undefined;
  return {
    folder: folder.text,
    limits: {
      quotaBytes: quota ? parseSize(quota.text, quota.source) : 10 * UNITS.G,
      perAddressBytes: perAddress ? parseSize(perAddress.text, perAddress.source) : 2 * UNITS.G,
      hours: hours ? parseHours(hours.text, hours.source) : 24,
      ...(token ? { token: token.text } : {}),
    },
  };
}

/** The line the tracker prints at its start when it runs a keeper: what the operator gave to strangers' shares. */
export function keeperStartLine({ folder, limits }: KeeperServerOptions): string {
  const who = limits.token
    ? 'only for requests carrying the keep token'
    : 'for anyone who asks (no --keep-token)';
  return (
    `signal-tracker: keeper on: shares kept in ${folder}, ${byteWords(limits.quotaBytes)} in all, ` +
    `${byteWords(limits.perAddressBytes)} per address, each for ${limits.hours} h, ${who}`
  );
}
