// Magnet links (BEP 9): magnet:?xt=urn:btih:<40 hex or 32 base32>&dn=<name>&tr=<tracker>&xl=<bytes>
import { fromBase32, fromHex, toHex } from './hex';

export { fromHex, toHex } from './hex';

export interface MagnetLink {
  infoHash: Uint8Array; // 20 bytes
  infoHashHex: string; // 40 lowercase hex chars
  name?: string; // dn
  trackers: string[]; // tr, in order, deduplicated
  length?: number; // xl
  /** BEP 53 `so`: the indices of the files to download (the others are skipped), in order, without repeats. */
  select?: number[];
}

/** Files a `so` list may name: more would be a hostile link (a torrent holds at most MAX_FILES). */
export const MAX_SELECTED_FILES = 100_000;

/** Reads BEP 53's `so=0,2,4-6`. */
function parseSelect(value: string): number[] {
  const out = new Set<number>();
  for (const part of value.split(',')) {
    const match = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(part.trim());
    if (!match) throw new MagnetError(`Magnet link has an invalid file selection so="${value}"`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last - first + out.size >= MAX_SELECTED_FILES)
      throw new MagnetError(`Magnet link has an invalid file selection so="${value}"`);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

export class MagnetError extends Error {
  override name = 'MagnetError';
}

const BARE_HEX = /^[0-9a-f]{40}$/i;
const BARE_BASE32 = /^[a-z2-7]{32}$/i;
const BTIH = 'urn:btih:';

/** Info hash bytes from 40 hex or 32 base32 characters. */
function parseInfoHash(text: string): Uint8Array {
  if (text.length === 40) {
    if (!BARE_HEX.test(text)) throw new MagnetError(`Info hash "${text}" is not hexadecimal`);
    return fromHex(text);
  }
  if (text.length === 32) {
    try {
      return fromBase32(text);
    } catch (error) {
      throw new MagnetError(`Info hash "${text}" is not valid base32: ${(error as Error).message}`);
    }
  }
  throw new MagnetError(`Info hash must be 40 hex or 32 base32 characters, got ${text.length}`);
}

function link(infoHash: Uint8Array, trackers: string[] = [], name?: string, length?: number): MagnetLink {
  const result: MagnetLink = { infoHash, infoHashHex: toHex(infoHash), trackers };
  if (name !== undefined) result.name = name;
  if (length !== undefined) result.length = length;
  return result;
}

function decodeComponent(raw: string, key: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    throw new MagnetError(`Magnet link has malformed percent-encoding in "${key}"`);
  }
}

/** Parses a magnet URI, or a bare 40-hex / 32-base32 info hash. Throws MagnetError with a clear message. */
export function parseMagnet(input: string): MagnetLink {
  const text = input.trim();
  if (BARE_HEX.test(text) || BARE_BASE32.test(text)) return link(parseInfoHash(text));
  if (!/^magnet:\?/i.test(text)) {
    throw new MagnetError(
      'Not a magnet link (magnet:?xt=urn:btih:...) or an info hash (40 hex or 32 base32)',
    );
  }

  let infoHash: Uint8Array | undefined;
  let sawXt = false;
  let name: string | undefined;
  let length: number | undefined;
  let select: number[] | undefined;
  const trackers: string[] = [];

  for (const param of text.slice('magnet:?'.length).split('&')) {
    if (param === '') continue;
    const eq = param.indexOf('=');
    const key = (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
    const raw = eq < 0 ? '' : param.slice(eq + 1);
    if (key === 'xt') {
      sawXt = true;
      const urn = decodeComponent(raw, key, false);
      if (urn.slice(0, BTIH.length).toLowerCase() !== BTIH) continue; // another hash kind (e.g. btmh)
      const hash = parseInfoHash(urn.slice(BTIH.length));
      if (infoHash && toHex(infoHash) !== toHex(hash))
        throw new MagnetError('Magnet link has two different info hashes');
      infoHash = hash;
    } else if (key === 'dn') {
      const value = decodeComponent(raw, key, true);
      if (value !== '') name ??= value;
    } else if (key === 'tr') {
      const tracker = decodeComponent(raw, key, false).trim();
      if (tracker !== '' && !trackers.includes(tracker)) trackers.push(tracker);
    } else if (key === 'xl') {
      const value = decodeComponent(raw, key, false);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new MagnetError(`Magnet link has an invalid length xl="${value}"`);
      }
      length ??= Number(value);
    } else if (key === 'so') {
      select ??= parseSelect(decodeComponent(raw, key, false));
    }
  }
  if (!infoHash) {
    throw new MagnetError(
      sawXt
        ? 'Magnet link has no BitTorrent v1 info hash (xt=urn:btih:...)'
        : 'Magnet link has no info hash (xt=urn:btih:...)',
    );
  }
  const result = link(infoHash, trackers, name, length);
  if (select) result.select = select;
  return result;
}

function encodeComponent(value: string, what: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw new MagnetError(`The ${what} is not valid Unicode text`);
  }
}

/** Formats a magnet URI with a hex info hash, URL-encoded dn and tr, in the order xt, dn, xl, tr. */
export function formatMagnet(link: {
  infoHash: Uint8Array;
  name?: string;
  trackers?: string[];
  length?: number;
}): string {
  if (link.infoHash.length !== 20)
    throw new MagnetError(`Info hash must be 20 bytes, got ${link.infoHash.length}`);
  let uri = `magnet:?xt=${BTIH}${toHex(link.infoHash)}`;
  if (link.name !== undefined && link.name !== '') uri += `&dn=${encodeComponent(link.name, 'name')}`;
  if (link.length !== undefined) {
    if (!Number.isSafeInteger(link.length) || link.length < 0) {
      throw new MagnetError(`Invalid length ${link.length}`);
    }
    uri += `&xl=${link.length}`;
  }
  for (const tracker of new Set(link.trackers ?? [])) uri += `&tr=${encodeComponent(tracker, 'tracker')}`;
  return uri;
}
