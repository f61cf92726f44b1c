// The bytes of the offers and answers one tracker process publishes to another's inbox: a batch of them per
// publish, each field a length and its UTF-8 bytes, the session description's type and SDP as plain fields. No
// JSON: the SDP, most of a message, is copied once each way and never escaped, parsed or stringified again.
// What arrives from Redis is checked as untrusted input: a batch, its messages and each field have a size limit,
// and a batch with anything wrong in it is refused whole.
//
//   batch   = FORMAT record*
//   record  = OFFER infoHash toHash to from fromProcess fromAddress offerId type sdp
//           | ANSWER infoHash to from offerId type sdp
//   field   = length (uint32, big-endian) bytes (UTF-8)
// An empty toHash means the offerer's hash; an empty fromAddress, none.
import type { SignalDescription } from '../../../shared/codec/tracker-protocol';
import type { ClusterMessage } from './directory';

type Offer = Extract<ClusterMessage, { kind: 'offer' }>;
type Answer = Extract<ClusterMessage, { kind: 'answer' }>;

const FORMAT = 1;
const OFFER = 0x6f;
const ANSWER = 0x61;
const LENGTH_BYTES = 4;

/** A batch's bytes, at most (the sender starts another batch before it would pass them). */
export const MAX_BATCH_BYTES = 1024 * 1024;
/** Messages in one batch, at most. */
export const MAX_BATCH_MESSAGES = 1024;
/**
 * Each field's bytes, at most. An id is 20 characters (40 bytes of UTF-8 at most); an SDP is bounded by the
 * tracker's own limit (16 Ki characters by default) long before this one.
 */
export const FIELD_LIMITS = {
  id: 64,
  process: 512,
  address: 256,
  type: 64,
  sdp: 256 * 1024,
} as const;

const OFFER_FIELDS = [
  FIELD_LIMITS.id, // infoHash
  FIELD_LIMITS.id, // toHash
  FIELD_LIMITS.id, // to
  FIELD_LIMITS.id, // from
  FIELD_LIMITS.process, // fromProcess
  FIELD_LIMITS.address, // fromAddress
  FIELD_LIMITS.id, // offerId
  FIELD_LIMITS.type,
  FIELD_LIMITS.sdp,
];
const ANSWER_FIELDS = [
  FIELD_LIMITS.id, // infoHash
  FIELD_LIMITS.id, // to
  FIELD_LIMITS.id, // from
  FIELD_LIMITS.id, // offerId
  FIELD_LIMITS.type,
  FIELD_LIMITS.sdp,
];

interface RecordFields {
  kind: number;
  fields: string[];
  limits: readonly number[];
}

/** A message's fields in record order, with the byte its record starts with. */
function recordOf(message: ClusterMessage): RecordFields {
  if (message.kind === 'answer') {
    const { infoHash, to, from, offerId, answer } = message;
    const fields = [infoHash, to, from, offerId, answer.type, answer.sdp];
    return { kind: ANSWER, fields, limits: ANSWER_FIELDS };
  }
  const { infoHash, toHash, to, from, fromProcess, fromAddress, offerId, offer } = message;
  const fields = [
    infoHash,
    toHash ?? '',
    to,
    from,
    fromProcess,
    fromAddress ?? '',
    offerId,
    offer.type,
    offer.sdp,
  ];
  return { kind: OFFER, fields, limits: OFFER_FIELDS };
}

/**
 * The most bytes the record can take (UTF-8 needs at most 3 bytes per UTF-16 unit), or -1 when a field is over its
 * limit already in characters (each takes at least a byte). Within the limits a record's bound stays under
 * MAX_BATCH_BYTES, so any record fits a batch of its own.
 */
function boundOf(record: RecordFields): number {
  let bytes = 1;
  for (let f = 0; f < record.fields.length; f++) {
    const length = record.fields[f].length;
    if (length > record.limits[f]) return -1;
    bytes += LENGTH_BYTES + 3 * length;
  }
  return bytes;
}

/**
 * The messages as batches of at most MAX_BATCH_BYTES and MAX_BATCH_MESSAGES each, in order. A message with a field
 * over its limit is left out (the receiver would refuse its whole batch): `skipped` counts them.
 */
export function encodeBatches(messages: readonly ClusterMessage[]): { batches: Buffer[]; skipped: number } {
  const batches: Buffer[] = [];
  let skipped = 0;
  let records: RecordFields[] = [];
  let bound = 1;
  const close = () => {
    if (records.length === 0) return;
    const batch = writeBatch(records, bound);
    skipped += records.length - batch.records;
    if (batch.records > 0) batches.push(batch.bytes);
    records = [];
    bound = 1;
  };
  for (const message of messages) {
    const record = recordOf(message);
    const size = boundOf(record);
    if (size < 0) {
      skipped++;
      continue;
    }
    if (bound + size > MAX_BATCH_BYTES || records.length >= MAX_BATCH_MESSAGES) close();
    records.push(record);
    bound += size;
  }
  close();
  return { batches, skipped };
}

/** One batch of the records (`bound` bytes at most); `records` counts those kept. */
function writeBatch(records: RecordFields[], bound: number): { bytes: Buffer; records: number } {
  const buffer = Buffer.allocUnsafe(bound);
  buffer[0] = FORMAT;
  let offset = 1;
  let kept = 0;
  for (const record of records) {
    const written = writeRecord(buffer, offset, record);
    if (written > 0) kept++;
    offset += written;
  }
  return { bytes: buffer.subarray(0, offset), records: kept };
}

/** Writes one record at `offset`; its length, or 0 (nothing kept) when a field's bytes are over its limit. */
function writeRecord(buffer: Buffer, offset: number, record: RecordFields): number {
  let at = offset;
  buffer[at++] = record.kind;
  for (let f = 0; f < record.fields.length; f++) {
    const bytes = buffer.write(record.fields[f], at + LENGTH_BYTES, 'utf8');
    if (bytes > record.limits[f]) return 0;
    buffer.writeUInt32BE(bytes, at);
    at += LENGTH_BYTES + bytes;
  }
  return at - offset;
}

/** Reads fields off a batch, each within its limit; null past the end or over a limit. */
class FieldReader {
  offset = 1;

  constructor(private readonly data: Buffer) {}

  get done(): boolean {
    return this.offset >= this.data.length;
  }

  byte(): number {
    return this.data[this.offset++];
  }

  /** The record's fields, or null when one is cut short or over its limit. */
  fields(limits: readonly number[]): string[] | null {
    const { data } = this;
    const out: string[] = [];
    for (const limit of limits) {
      if (this.offset + LENGTH_BYTES > data.length) return null;
      const length = data.readUInt32BE(this.offset);
      const start = this.offset + LENGTH_BYTES;
      if (length > limit || start + length > data.length) return null;
      out.push(data.toString('utf8', start, start + length));
      this.offset = start + length;
    }
    return out;
  }
}

function readOffer(reader: FieldReader): Offer | null {
  const fields = reader.fields(OFFER_FIELDS);
  if (!fields) return null;
  const [infoHash, toHash, to, from, fromProcess, fromAddress, offerId, type, sdp] = fields;
  const offer: Offer = { kind: 'offer', infoHash, to, from, fromProcess, offerId, offer: signal(type, sdp) };
  if (toHash !== '') offer.toHash = toHash;
  if (fromAddress !== '') offer.fromAddress = fromAddress;
  return offer;
}

function readAnswer(reader: FieldReader): Answer | null {
  const fields = reader.fields(ANSWER_FIELDS);
  if (!fields) return null;
  const [infoHash, to, from, offerId, type, sdp] = fields;
  return { kind: 'answer', infoHash, to, from, offerId, answer: signal(type, sdp) };
}

function signal(type: string, sdp: string): SignalDescription {
  return { type, sdp };
}

/** The messages of a batch another process published, or null when anything in it is malformed or too large. */
export function decodeBatch(data: Buffer): ClusterMessage[] | null {
  if (data.length < 1 || data.length > MAX_BATCH_BYTES || data[0] !== FORMAT) return null;
  const reader = new FieldReader(data);
  const messages: ClusterMessage[] = [];
  while (!reader.done) {
    if (messages.length >= MAX_BATCH_MESSAGES) return null;
    const kind = reader.byte();
    const message = kind === OFFER ? readOffer(reader) : kind === ANSWER ? readAnswer(reader) : null;
    if (!message) return null;
    messages.push(message);
  }
  return messages;
}
