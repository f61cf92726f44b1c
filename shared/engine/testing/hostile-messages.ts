// The messages of a hostile peer (hostile-peer.ts): every kind of the wire (BEP 3, 6, 10, 52), each in the form the
// engine accepts when one exists (a have of a piece the torrent has, a block the engine asked for with its true
// bytes, hashes for a range it asked, a metadata request of a piece the metadata has), so that the peer is closed for
// what its stream costs, not for one malformed message.
import { encodeExtendedHandshake, encodeMetadataMessage, metadataPieceCount } from '../../codec/extension';
import type { HashRange, WireMessage } from '../../codec/wire';
import { BLOCK_SIZE } from '../../codec/wire';
import type { TorrentInfo } from '../../codec/metainfo';
import { pieceSize } from '../../codec/metainfo';
import type { TorrentInfoV2 } from '../../codec/metainfo-v2';
import type { BlockRequest } from '../picker/block-geometry';
import { UT_METADATA_ID } from '../peer/peer-wire';
import type { PieceLayers } from '../v2/piece-layers';
import { randomBytes, randomInt } from './random';

type Kind = WireMessage['type'];

/** What the hostile peer knows: the torrent (it has it all) and what the engine asked of it so far. */
export interface HostileView {
  info: TorrentInfo;
  /** The torrent's bytes, to send true blocks. */
  data: Uint8Array;
  v2: TorrentInfoV2;
  /** Every piece layer (a seeder's), to answer the hash ranges it is asked. */
  layers: PieceLayers;
  /** The key the hostile peer has at the engine (for its hash answers' budget). */
  key: string;
  /** Blocks the engine asked it for and it has not sent. */
  asked: BlockRequest[];
  /** Hash ranges the engine asked it for and it has not answered. */
  askedHashes: HashRange[];
  now: number;
}

type Maker = (view: HostileView, random: () => number) => WireMessage | undefined;

function anyBlock(view: HostileView, random: () => number): BlockRequest {
  const index = randomInt(random, view.info.pieceCount);
  const size = pieceSize(view.info, index);
  const begin = randomInt(random, Math.ceil(size / BLOCK_SIZE)) * BLOCK_SIZE;
  return { index, begin, length: Math.min(BLOCK_SIZE, size - begin) };
}

function takeAt<T>(list: T[], random: () => number): T | undefined {
  if (list.length === 0) return undefined;
  const at = randomInt(random, list.length);
  const [item] = list.splice(at, 1);
  return item;
}

/** A bitfield of the torrent's length, random pieces, spare bits clear. */
function bitfield(view: HostileView, random: () => number): WireMessage {
  const count = view.info.pieceCount;
  const bytes = randomBytes(random, Math.ceil(count / 8));
  const spare = bytes.length * 8 - count;
  if (spare > 0) bytes[bytes.length - 1] &= 0xff << spare;
  return { type: 'bitfield', bytes };
}

function piece(view: HostileView, random: () => number): WireMessage | undefined {
  const block = takeAt(view.asked, random);
  if (!block) return undefined;
  const at = block.index * view.info.pieceLength + block.begin;
  return {
    type: 'piece',
    index: block.index,
    begin: block.begin,
    block: view.data.slice(at, at + block.length),
  };
}

function extended(view: HostileView, random: () => number): WireMessage {
  const size = view.info.infoBytes.length;
  if (random() < 0.5)
    return {
      type: 'extended',
      id: 0,
      payload: encodeExtendedHandshake({ m: { ut_metadata: 2 }, metadataSize: size }),
    };
  const request = encodeMetadataMessage({
    msgType: 'request',
    piece: randomInt(random, metadataPieceCount(size)),
  });
  return { type: 'extended', id: UT_METADATA_ID, payload: request };
}

function hashRequest(view: HostileView, random: () => number): WireMessage {
  const files = view.v2.files.filter((file) => file.piecesRoot && file.pieceCount > 0);
  const file = files[randomInt(random, files.length)];
  const length = 2 ** randomInt(random, 10);
  const baseLayer = Math.log2(view.v2.pieceLength / BLOCK_SIZE);
  return { type: 'hash-request', piecesRoot: file.piecesRoot!, baseLayer, index: 0, length, proofLayers: 0 };
}

function hashAnswer(view: HostileView, random: () => number, reject: boolean): WireMessage | undefined {
  const range = takeAt(view.askedHashes, random);
  if (!range) return undefined;
  if (reject) return { type: 'hash-reject', ...range };
  return view.layers.answer(view.key, range, view.now);
}

/** One maker per kind of message: the compiler holds that none is missing. */
const MAKERS: { [K in Kind]: Maker } = {
  'keep-alive': () => ({ type: 'keep-alive' }),
  choke: () => ({ type: 'choke' }),
  unchoke: () => ({ type: 'unchoke' }),
  interested: () => ({ type: 'interested' }),
  'not-interested': () => ({ type: 'not-interested' }),
  have: (view, random) => ({ type: 'have', index: randomInt(random, view.info.pieceCount) }),
  bitfield,
  'have-all': () => ({ type: 'have-all' }),
  'have-none': () => ({ type: 'have-none' }),
  request: (view, random) => ({ type: 'request', ...anyBlock(view, random) }),
  cancel: (view, random) => ({ type: 'cancel', ...anyBlock(view, random) }),
  'reject-request': (view, random) => {
    // Only a block it was asked for, which it then never sends: a reject releases the request, and the block would
    // be one nobody asked for.
    const block = takeAt(view.asked, random);
    return block && { type: 'reject-request', ...block };
  },
  piece,
  'suggest-piece': (view, random) => ({
    type: 'suggest-piece',
    index: randomInt(random, view.info.pieceCount),
  }),
  'allowed-fast': (view, random) => ({
    type: 'allowed-fast',
    index: randomInt(random, view.info.pieceCount),
  }),
  port: (_, random) => ({ type: 'port', port: 1 + randomInt(random, 0xffff) }),
  extended,
  'hash-request': hashRequest,
  hashes: (view, random) => hashAnswer(view, random, false),
  'hash-reject': (view, random) => hashAnswer(view, random, true),
};

/** Every kind of message of the wire. */
export const EVERY_KIND = Object.keys(MAKERS) as Kind[];

/** What a peer says it has, which it may say once, first (opening.ts). */
export const PIECES_KINDS: readonly Kind[] = ['bitfield', 'have-all', 'have-none'];

/** A message of `kind`, or undefined when that kind needs something the engine has not asked for. */
export function hostileMessage(kind: Kind, view: HostileView, random: () => number): WireMessage | undefined {
  return MAKERS[kind](view, random);
}
