import { describe, expect, it } from 'vitest';
import type { ClusterMessage } from './directory';
import {
  decodeBatch,
  encodeBatches,
  FIELD_LIMITS,
  MAX_BATCH_BYTES,
  MAX_BATCH_MESSAGES,
} from './message-codec';

/** A 20-character binary id, as peer ids and info hashes are (one character per byte, many above 0x7f). */
const binaryId = (seed: number) =>
  String.fromCharCode(...Array.from({ length: 20 }, (_, i) => (seed * 31 + i * 97) % 256));

const SDP = 'v=0\r\n' + 'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n'.repeat(9);

function offer(n: number, extra: Partial<Extract<ClusterMessage, { kind: 'offer' }>> = {}): ClusterMessage {
  return {
    kind: 'offer',
    infoHash: binaryId(n),
    to: binaryId(n + 1),
    from: binaryId(n + 2),
    fromProcess: 'host:1234:abcdef',
    offerId: binaryId(n + 3),
    offer: { type: 'offer', sdp: SDP },
    ...extra,
  };
}

function answer(n: number, sdp = SDP): ClusterMessage {
  return {
    kind: 'answer',
    infoHash: binaryId(n),
    to: binaryId(n + 1),
    from: binaryId(n + 2),
    offerId: binaryId(n + 3),
    answer: { type: 'answer', sdp },
  };
}

/** Every message of the batches, in order. */
function decodeAll(batches: Buffer[]): ClusterMessage[] {
  return batches.flatMap((batch) => {
    const messages = decodeBatch(batch);
    expect(messages).not.toBeNull();
    return messages!;
  });
}

/** A batch written by hand: the format byte, then records of a kind byte and length-prefixed fields. */
function handBatch(
  records: Array<{ kind: number; fields: Array<string | { length: number; bytes: number }> }>,
) {
  const parts: Buffer[] = [Buffer.from([1])];
  for (const record of records) {
    parts.push(Buffer.from([record.kind]));
    for (const field of record.fields) {
      const bytes = typeof field === 'string' ? Buffer.from(field) : Buffer.alloc(field.bytes, 0x61);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(typeof field === 'string' ? bytes.length : field.length);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}

const ANSWER_KIND = 0x61;
const answerFields = (sdp: string | { length: number; bytes: number } = 'v=0') => ({
  kind: ANSWER_KIND,
  fields: ['h', 't', 'f', 'o', 'answer', sdp],
});

describe('cluster message codec', () => {
  it('gives back every offer and answer as they were sent, in order', () => {
    const messages = [
      offer(1),
      offer(2, { toHash: binaryId(9), fromAddress: '2001:db8::/64' }),
      answer(3),
      answer(4, 'ünïcødé \u{1f600} sdp\r\n'),
      offer(5, { offer: { type: '', sdp: '' }, fromProcess: '' }),
    ];
    const { batches, skipped } = encodeBatches(messages);
    expect(skipped).toBe(0);
    expect(batches).toHaveLength(1);
    expect(decodeAll(batches)).toEqual(messages);
  });

  it("splits a turn past a batch's message or byte limit into batches within both, in order", () => {
    const many = Array.from({ length: MAX_BATCH_MESSAGES + 5 }, (_, i) => answer(i, 'v=0'));
    const counted = encodeBatches(many).batches;
    expect(counted.map((batch) => decodeBatch(batch)!.length)).toEqual([MAX_BATCH_MESSAGES, 5]);
    expect(decodeAll(counted)).toEqual(many);
    const large = Array.from({ length: 12 }, (_, i) => answer(i, 'x'.repeat(FIELD_LIMITS.sdp)));
    const sized = encodeBatches(large).batches;
    expect(sized.length).toBeGreaterThan(1);
    for (const batch of sized) expect(batch.length).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(decodeAll(sized)).toEqual(large);
  });

  it('leaves out a message with a field over its limit, in characters or in bytes, and keeps the others', () => {
    const messages = [
      answer(1),
      offer(2, { to: 'x'.repeat(FIELD_LIMITS.id + 1) }),
      answer(3, 'x'.repeat(FIELD_LIMITS.sdp + 1)),
      // Under the limit in characters, over it in UTF-8 bytes.
      answer(4, 'é'.repeat(FIELD_LIMITS.sdp / 2 + 1)),
      offer(5, { fromProcess: 'p'.repeat(FIELD_LIMITS.process + 1) }),
      answer(6),
    ];
    const { batches, skipped } = encodeBatches(messages);
    expect(skipped).toBe(4);
    expect(decodeAll(batches)).toEqual([messages[0], messages[5]]);
    expect(encodeBatches([answer(7, 'x'.repeat(FIELD_LIMITS.sdp + 1))])).toEqual({ batches: [], skipped: 1 });
  });

  it('refuses a batch of another format, an unknown record or one cut short, whole', () => {
    const [batch] = encodeBatches([answer(1), offer(2)]).batches;
    expect(decodeBatch(Buffer.alloc(0))).toBeNull();
    expect(decodeBatch(Buffer.from('{"kind":"offer"}'))).toBeNull();
    expect(decodeBatch(Buffer.concat([batch, Buffer.from([0x7a])]))).toBeNull();
    const firstRecordEnd = encodeBatches([answer(1)]).batches[0].length;
    for (let end = 1; end < batch.length; end++) {
      const cut = decodeBatch(batch.subarray(0, end));
      // A cut at a record's end is a shorter batch; anywhere else the batch is refused.
      if (end === 1) expect(cut).toEqual([]);
      else if (end === firstRecordEnd) expect(cut).toEqual([answer(1)]);
      else expect(cut).toBeNull();
    }
  });

  it('refuses a field over its limit, a length past the end, too many messages or too many bytes', () => {
    expect(decodeBatch(handBatch([answerFields()]))).toEqual([
      {
        kind: 'answer',
        infoHash: 'h',
        to: 't',
        from: 'f',
        offerId: 'o',
        answer: { type: 'answer', sdp: 'v=0' },
      },
    ]);
    const overLimit = { length: FIELD_LIMITS.sdp + 1, bytes: FIELD_LIMITS.sdp + 1 };
    expect(decodeBatch(handBatch([answerFields(overLimit)]))).toBeNull();
    expect(decodeBatch(handBatch([answerFields({ length: 100, bytes: 10 })]))).toBeNull();
    const idOverLimit = {
      kind: ANSWER_KIND,
      fields: ['h'.repeat(FIELD_LIMITS.id + 1), 't', 'f', 'o', 'a', 's'],
    };
    expect(decodeBatch(handBatch([idOverLimit]))).toBeNull();
    const records = Array.from({ length: MAX_BATCH_MESSAGES }, () => answerFields());
    expect(decodeBatch(handBatch(records))).toHaveLength(MAX_BATCH_MESSAGES);
    expect(decodeBatch(handBatch([...records, answerFields()]))).toBeNull();
    const big = { length: FIELD_LIMITS.sdp, bytes: FIELD_LIMITS.sdp };
    const heavy = Array.from({ length: Math.ceil(MAX_BATCH_BYTES / FIELD_LIMITS.sdp) + 1 }, () =>
      answerFields(big),
    );
    expect(decodeBatch(handBatch(heavy))).toBeNull();
  });

  it('never throws on random bytes, and reads them as nothing or as messages within the limits', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const [valid] = encodeBatches([offer(1), answer(2)]).batches;
    for (let round = 0; round < 2000; round++) {
      const bytes = Buffer.from(valid);
      // Flip a few bytes of a valid batch, or make one up from nothing.
      if (round % 2 === 0)
        for (let k = 0; k < 3; k++) bytes[Math.floor(random() * bytes.length)] = random() * 256;
      const data =
        round % 2 === 0
          ? bytes
          : Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => random() * 256));
      const messages = decodeBatch(data);
      if (messages === null) continue;
      for (const message of messages) {
        expect(['offer', 'answer']).toContain(message.kind);
        expect(Buffer.byteLength(message.infoHash)).toBeLessThanOrEqual(FIELD_LIMITS.id);
      }
    }
  });
});
