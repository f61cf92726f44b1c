// Magnet links (BEP 9): magnet:?xt=urn:btih:<40 hex or 32 base32>&dn=<name>&tr=<tracker>&xl=<bytes>, and BEP 52's
// xt=urn:btmh:1220<64 hex> (the v2 info hash as a SHA-256 multihash), alone or beside a btih; BEP 19's web seeds
// as ws=<http or https URL> (checked by web-seeds.ts; an invalid one is skipped, not an error); BEP 9's exact source
// xs=<http or https URL of the .torrent>, checked the same way, the first valid one kept.
import { fromBase32, fromHex, toHex } from './hex';
import { checkWebSeed, MAX_WEB_SEEDS } from './web-seeds';

export { fromHex, toHex } from './hex';

export interface MagnetLink {
  /**
   * 20 bytes: the v1 info hash (btih). For a v2-only link (btmh alone, read with `{ v2: true }`), the v2 info hash
   * truncated to 20 bytes: the swarm's id at the tracker and in the handshake.
   */
  infoHash: Uint8Array;
  infoHashHex: string; // 40 lowercase hex chars
  /** The BEP 52 v2 info hash (SHA-256 of the info dictionary, 32 bytes), when the link has a btmh. */
  infoHashV2?: Uint8Array;
  infoHashV2Hex?: string; // 64 lowercase hex chars
  /** True when the link has no v1 info hash (no btih): `infoHash` is then the truncated v2 hash. */
  v2Only?: boolean;
  name?: string; // dn
  trackers: string[]; // tr, in order, deduplicated
  /** ws: the web seeds, checked, in order, deduplicated, at most MAX_WEB_SEEDS. */
  webSeeds: string[];
  length?: number; // xl
  /** xs: where the .torrent can be fetched without a peer (checked as a web seed is), the first valid one. */
  exactSource?: string;
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
const BTMH = 'urn:btmh:';
/** The multihash prefix of a SHA-256 digest: function 0x12, length 0x20. */
const SHA256_MULTIHASH = '1220';
const BARE_HEX_V2 = /^[0-9a-f]{64}$/i;
/** Bytes of a v2 info hash, and of its truncation to the v1 size. */
const V2_HASH_BYTES = 32;
const V1_HASH_BYTES = 20;

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

/** The v2 info hash of a btmh value (after `urn:btmh:`), or undefined for a multihash other than SHA-256. */
function parseBtmh(text: string): Uint8Array | undefined {
  if (text.slice(0, SHA256_MULTIHASH.length) !== SHA256_MULTIHASH) return undefined;
  const hex = text.slice(SHA256_MULTIHASH.length);
  if (!BARE_HEX_V2.test(hex))
    throw new MagnetError(`A v2 info hash (urn:btmh:1220...) is 64 hex characters, got "${hex}"`);
  return fromHex(hex);
}

/** The link for a v2 info hash alone: its truncation stands for the swarm. */
function v2OnlyLink(
  infoHashV2: Uint8Array,
  trackers: string[] = [],
  name?: string,
  length?: number,
): MagnetLink {
  const result = link(infoHashV2.slice(0, V1_HASH_BYTES), trackers, name, length);
  result.infoHashV2 = infoHashV2;
  result.infoHashV2Hex = toHex(infoHashV2);
  result.v2Only = true;
  return result;
}

function link(infoHash: Uint8Array, trackers: string[] = [], name?: string, length?: number): MagnetLink {
  const result: MagnetLink = { infoHash, infoHashHex: toHex(infoHash), trackers, webSeeds: [] };
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

/** Whether `text` is an info hash alone, as `parseMagnet` takes one: 40 hex digits or 32 base32 letters, and with
 * `v2` a v2 info hash of 64 hex digits. */
export function isBareInfoHash(text: string, v2 = false): boolean {
  return BARE_HEX.test(text) || BARE_BASE32.test(text) || (v2 && BARE_HEX_V2.test(text));
}

export interface ParseMagnetOptions {
  /**
   * Accept a v2-only link (btmh without btih) and a bare 64-hex v2 info hash. Off by default: a caller that cannot
   * fetch a v2 torrent gets today's "no BitTorrent v1 info hash" error instead.
   */
  v2?: boolean;
}

/**
 * Parses a magnet URI, or a bare 40-hex / 32-base32 info hash (or with `{ v2: true }` a bare 64-hex v2 info hash).
 * Throws MagnetError with a clear message.
 */
export function parseMagnet(input: string, options: ParseMagnetOptions = {}): MagnetLink {
  const text = input.trim();
  if (BARE_HEX.test(text) || BARE_BASE32.test(text)) return link(parseInfoHash(text));
  if (options.v2 && BARE_HEX_V2.test(text)) return v2OnlyLink(fromHex(text));
  if (!/^magnet:\?/i.test(text)) {
    throw new MagnetError(
      'Not a magnet link (magnet:?xt=urn:btih:...) or an info hash (40 hex or 32 base32)',
    );
  }
  return linkOf(readParams(text.slice('magnet:?'.length)), options);
}

/** What a magnet link's parameters say, as they are read (the first of each kind wins, trackers gather). */
interface MagnetFields {
  infoHash?: Uint8Array;
  infoHashV2?: Uint8Array;
  /** It had an `xt`, of whatever kind. */
  sawXt: boolean;
  name?: string;
  length?: number;
  select?: number[];
  trackers: string[];
  webSeeds: string[];
  exactSource?: string;
  /** The trackers gathered, for repeats: a link can hold thousands of `tr`, each checked in constant time. */
  seenTrackers: Set<string>;
}

/** Reads one parameter's raw (still percent-encoded) value into the fields. */
type ParamReader = (fields: MagnetFields, raw: string, key: string) => void;

/** An exact topic: a v1 info hash (btih), a v2 one (btmh with SHA-256); other hash kinds are skipped. */
function readTopic(fields: MagnetFields, raw: string, key: string): void {
  fields.sawXt = true;
  const urn = decodeComponent(raw, key, false);
  const kind = urn.slice(0, BTIH.length).toLowerCase();
  if (kind === BTMH) {
    const hash = parseBtmh(urn.slice(BTMH.length));
    if (!hash) return; // a multihash other than SHA-256
    if (fields.infoHashV2 && toHex(fields.infoHashV2) !== toHex(hash))
      throw new MagnetError('Magnet link has two different v2 info hashes');
    fields.infoHashV2 = hash;
    return;
  }
  if (kind !== BTIH) return; // another hash kind
  const hash = parseInfoHash(urn.slice(BTIH.length));
  if (fields.infoHash && toHex(fields.infoHash) !== toHex(hash))
    throw new MagnetError('Magnet link has two different info hashes');
  fields.infoHash = hash;
}

function readName(fields: MagnetFields, raw: string, key: string): void {
  const value = decodeComponent(raw, key, true);
  if (value !== '') fields.name ??= value;
}

function readTracker(fields: MagnetFields, raw: string, key: string): void {
  const tracker = decodeComponent(raw, key, false).trim();
  if (tracker === '' || fields.seenTrackers.has(tracker)) return;
  fields.seenTrackers.add(tracker);
  fields.trackers.push(tracker);
}

function readWebSeed(fields: MagnetFields, raw: string, key: string): void {
  if (fields.webSeeds.length >= MAX_WEB_SEEDS) return;
  const url = checkWebSeed(decodeComponent(raw, key, false));
  if (url !== undefined && !fields.webSeeds.includes(url)) fields.webSeeds.push(url);
}

function readExactSource(fields: MagnetFields, raw: string, key: string): void {
  fields.exactSource ??= checkWebSeed(decodeComponent(raw, key, false));
}

function readLength(fields: MagnetFields, raw: string, key: string): void {
  const value = decodeComponent(raw, key, false);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new MagnetError(`Magnet link has an invalid length xl="${value}"`);
  }
  fields.length ??= Number(value);
}

/** The parameters read, by key; any other is ignored. */
const PARAMS = new Map<string, ParamReader>([
  ['xt', readTopic],
  ['dn', readName],
  ['tr', readTracker],
  ['ws', readWebSeed],
  ['xl', readLength],
  ['xs', readExactSource],
  ['so', (fields, raw, key) => (fields.select ??= parseSelect(decodeComponent(raw, key, false)))],
]);

/** The fields of a magnet link's query (after `magnet:?`), parameter by parameter. */
function readParams(query: string): MagnetFields {
  const fields: MagnetFields = { sawXt: false, trackers: [], webSeeds: [], seenTrackers: new Set() };
  for (const param of query.split('&')) {
    if (param === '') continue;
    const eq = param.indexOf('=');
    const key = (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
    PARAMS.get(key)?.(fields, eq < 0 ? '' : param.slice(eq + 1), key);
  }
  return fields;
}

/** The link the fields describe: by its v1 hash (with the v2 one beside it), or with `v2` by its v2 hash alone. */
function linkOf(fields: MagnetFields, options: ParseMagnetOptions): MagnetLink {
  const { infoHash, infoHashV2, trackers, name, length, select, webSeeds, exactSource } = fields;
  if (!infoHash && infoHashV2 && options.v2) {
    const result = v2OnlyLink(infoHashV2, trackers, name, length);
    if (select) result.select = select;
    result.webSeeds = webSeeds;
    if (exactSource !== undefined) result.exactSource = exactSource;
    return result;
  }
  if (!infoHash) {
    throw new MagnetError(
      fields.sawXt
        ? 'Magnet link has no BitTorrent v1 info hash (xt=urn:btih:...)'
        : 'Magnet link has no info hash (xt=urn:btih:...)',
    );
  }
  const result = link(infoHash, trackers, name, length);
  if (infoHashV2) {
    result.infoHashV2 = infoHashV2;
    result.infoHashV2Hex = toHex(infoHashV2);
  }
  if (select) result.select = select;
  result.webSeeds = webSeeds;
  if (exactSource !== undefined) result.exactSource = exactSource;
  return result;
}

function encodeComponent(value: string, what: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw new MagnetError(`The ${what} is not valid Unicode text`);
  }
}

/** The link's `xt` parameters: btih for the v1 info hash unless `v2Only`, then btmh for the v2 one. */
function exactTopics(link: { infoHash?: Uint8Array; infoHashV2?: Uint8Array; v2Only?: boolean }): string[] {
  const topics: string[] = [];
  if (link.infoHash && !link.v2Only) {
    if (link.infoHash.length !== V1_HASH_BYTES)
      throw new MagnetError(`Info hash must be 20 bytes, got ${link.infoHash.length}`);
    topics.push(`xt=${BTIH}${toHex(link.infoHash)}`);
  }
  if (link.infoHashV2) {
    if (link.infoHashV2.length !== V2_HASH_BYTES)
      throw new MagnetError(`A v2 info hash must be 32 bytes, got ${link.infoHashV2.length}`);
    topics.push(`xt=${BTMH}${SHA256_MULTIHASH}${toHex(link.infoHashV2)}`);
  }
  return topics;
}

/**
 * Formats a magnet URI with hex info hashes (btih for `infoHash` unless `v2Only`, then btmh for `infoHashV2`),
 * URL-encoded dn, tr, ws and xs, in the order xt, dn, xl, tr, ws, xs.
 */
export function formatMagnet(link: {
  infoHash?: Uint8Array;
  infoHashV2?: Uint8Array;
  v2Only?: boolean;
  name?: string;
  trackers?: string[];
  webSeeds?: string[];
  exactSource?: string;
  length?: number;
}): string {
  const topics = exactTopics(link);
  if (topics.length === 0) throw new MagnetError('A magnet link needs an info hash (v1, v2 or both)');
  let uri = `magnet:?${topics.join('&')}`;
  if (link.name !== undefined && link.name !== '') uri += `&dn=${encodeComponent(link.name, 'name')}`;
  if (link.length !== undefined) {
    if (!Number.isSafeInteger(link.length) || link.length < 0) {
      throw new MagnetError(`Invalid length ${link.length}`);
    }
    uri += `&xl=${link.length}`;
  }
  for (const tracker of new Set(link.trackers ?? [])) uri += `&tr=${encodeComponent(tracker, 'tracker')}`;
  for (const seed of new Set(link.webSeeds ?? [])) uri += `&ws=${encodeComponent(seed, 'web seed')}`;
  if (link.exactSource !== undefined) uri += `&xs=${encodeComponent(link.exactSource, 'exact source')}`;
  return uri;
}
