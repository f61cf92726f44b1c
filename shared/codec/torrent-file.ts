// A .torrent file around its info dictionary: trackers (announce, announce-list), web seeds (url-list) and the
// informational fields, read loosely and written in BEP 3's form, the info dictionary's bytes kept as they are.
import {
  BencodeError,
  asBytes,
  asDict,
  decode,
  encode,
  rawValueRange,
  utf8ToBytes,
  type BDict,
  type BValue,
} from './bencode';
import { MetainfoError } from './metainfo-files';
import { MAX_WEB_SEED_URL_LENGTH, MAX_WEB_SEEDS, webSeedList } from './web-seeds';

/** Items of a `url-list` looked at: the invalid ones among them are skipped, the rest cut to MAX_WEB_SEEDS. */
const MAX_URL_LIST_ITEMS = MAX_WEB_SEEDS * 4;

/** Decodes bytes as UTF-8 with replacement characters (for informational fields). */
const looseText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function trackerTiers(torrent: BDict): string[][] {
  const seen = new Set<string>();
  const tiers: string[][] = [];
  const addTier = (urls: BValue[]): void => {
    const tier: string[] = [];
    for (const url of urls) {
      const bytes = asBytes(url);
      if (!bytes) continue;
      const text = looseText(bytes).trim();
      if (text === '' || seen.has(text)) continue;
      seen.add(text);
      tier.push(text);
    }
    if (tier.length > 0) tiers.push(tier);
  };
  const list = torrent['announce-list'];
  if (Array.isArray(list)) {
    for (const tier of list) if (Array.isArray(tier)) addTier(tier);
  }
  if (tiers.length === 0 && torrent.announce !== undefined) addTier([torrent.announce]);
  return tiers;
}

/** The web seeds of a `url-list` (a string or a list of them), checked and bounded (web-seeds.ts). */
function urlList(value: BValue | undefined): string[] {
  const items = value instanceof Uint8Array ? [value] : Array.isArray(value) ? value : [];
  const texts: string[] = [];
  for (const item of items.slice(0, MAX_URL_LIST_ITEMS)) {
    const bytes = asBytes(item);
    if (bytes && bytes.length <= MAX_WEB_SEED_URL_LENGTH) texts.push(looseText(bytes));
  }
  return webSeedList(texts);
}

/** What a .torrent holds around its info dictionary. */
export interface TorrentEnvelope {
  /** The outer dictionary, decoded. */
  torrent: BDict;
  /** The info dictionary's bytes exactly as in the file (what its hashes cover). */
  infoBytes: Uint8Array;
  announce: string[][];
  urlList: string[];
  comment?: string;
  createdBy?: string;
  creationDate?: number;
}

/**
 * Reads a .torrent's outer dictionary: the raw info dictionary (not yet checked) and the trackers, web seeds and
 * informational fields. Throws MetainfoError when it is not a .torrent with an info dictionary.
 */
export function readTorrentEnvelope(bytes: Uint8Array): TorrentEnvelope {
  let decoded: BValue;
  let range: { start: number; end: number } | undefined;
  try {
    // The outer dictionary may be loosely ordered; the info dictionary is checked strictly by parseInfo.
    decoded = decode(bytes, { strictKeyOrder: false });
    range = rawValueRange(bytes, 'info');
  } catch (error) {
    if (error instanceof BencodeError)
      throw new MetainfoError(`Not a .torrent file (invalid bencode: ${error.message})`);
    throw error;
  }
  const torrent = asDict(decoded);
  if (!torrent) throw new MetainfoError('Not a .torrent file (not a dictionary)');
  if (!range || !asDict(torrent.info)) throw new MetainfoError('The .torrent file has no info dictionary');

  const metainfo: TorrentEnvelope = {
    torrent,
    infoBytes: bytes.slice(range.start, range.end),
    announce: trackerTiers(torrent),
    urlList: urlList(torrent['url-list']),
  };
  const comment = asBytes(torrent['comment.utf-8']) ?? asBytes(torrent.comment);
  if (comment) metainfo.comment = looseText(comment);
  const createdBy = asBytes(torrent['created by']);
  if (createdBy) metainfo.createdBy = looseText(createdBy);
  const creationDate = torrent['creation date'];
  if (typeof creationDate === 'number') metainfo.creationDate = creationDate;
  return metainfo;
}

/** Bencodes `dict` with `raw` (already bencoded) inserted as the value of `key`, keeping keys sorted. */
function encodeWithRawValue(dict: BDict, key: string, raw: Uint8Array): Uint8Array {
  const before: BDict = {};
  const after: BDict = {};
  for (const [k, v] of Object.entries(dict)) (k < key ? before : after)[k] = v;
  const head = encode(before); // "d...e"
  const tail = encode(after); // "d...e"
  const keyBytes = encode(utf8ToBytes(key));
  const out = new Uint8Array(head.length - 1 + keyBytes.length + raw.length + tail.length - 1);
  out.set(head.subarray(0, head.length - 1), 0);
  out.set(keyBytes, head.length - 1);
  out.set(raw, head.length - 1 + keyBytes.length);
  out.set(tail.subarray(1), out.length - (tail.length - 1));
  return out;
}

/** Encodes a .torrent file (announce = first tracker, announce-list = all). The info bytes are kept as they are. */
export function encodeTorrent(metainfo: {
  info: { infoBytes: Uint8Array };
  announce: string[][];
  urlList?: string[];
  comment?: string;
  createdBy?: string;
  creationDate?: number;
  /** More top-level keys (e.g. BEP 52's `piece layers`), beside the info dictionary (an `info` here is ignored). */
  fields?: BDict;
}): Uint8Array {
  const tiers = metainfo.announce
    .map((tier) => tier.filter((url) => url !== ''))
    .filter((tier) => tier.length > 0);
  const torrent: BDict = { ...metainfo.fields };
  delete torrent.info; // the info dictionary is always metainfo.info's bytes
  if (tiers.length > 0) {
    torrent.announce = utf8ToBytes(tiers[0][0]);
    torrent['announce-list'] = tiers.map((tier) => tier.map(utf8ToBytes));
  }
  if (metainfo.urlList && metainfo.urlList.length > 0)
    torrent['url-list'] = metainfo.urlList.map(utf8ToBytes);
  if (metainfo.comment !== undefined) torrent.comment = utf8ToBytes(metainfo.comment);
  if (metainfo.createdBy !== undefined) torrent['created by'] = utf8ToBytes(metainfo.createdBy);
  if (metainfo.creationDate !== undefined) torrent['creation date'] = metainfo.creationDate;
  return encodeWithRawValue(torrent, 'info', metainfo.info.infoBytes);
}
