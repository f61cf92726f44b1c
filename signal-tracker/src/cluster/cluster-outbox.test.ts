import { describe, expect, it } from 'vitest';
import { ClusterOutbox, MAX_QUEUED_PER_TURN } from './cluster-outbox';
import type { ClusterMessage } from './directory';
import { decodeBatch, FIELD_LIMITS } from './message-codec';

const answer = (n: number, sdp = 'v=0'): ClusterMessage => ({
  kind: 'answer',
  infoHash: `h${n}`,
  to: `t${n}`,
  from: `f${n}`,
  offerId: `o${n}`,
  answer: { type: 'answer', sdp },
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function recording(fail = false) {
  const published: Array<{ process: string; messages: ClusterMessage[] | null }> = [];
  let skipped = 0;
  const outbox = new ClusterOutbox(
    async (process, batch) => {
      published.push({ process, messages: decodeBatch(batch) });
      if (fail) throw new Error('redis is down');
    },
    (count) => (skipped += count),
  );
  return { outbox, published, skipped: () => skipped };
}

describe('ClusterOutbox', () => {
  it("sends a turn's messages to each process as one batch, in order, after the turn", async () => {
    const { outbox, published } = recording();
    outbox.add('b', answer(1));
    outbox.add('c', answer(2));
    outbox.add('b', answer(3));
    expect(published).toEqual([]);
    await nextTurn();
    expect(published).toEqual([
      { process: 'b', messages: [answer(1), answer(3)] },
      { process: 'c', messages: [answer(2)] },
    ]);
    outbox.add('b', answer(4));
    await nextTurn();
    expect(published.slice(2)).toEqual([{ process: 'b', messages: [answer(4)] }]);
  });

  it('drops a batch Redis refused, and tells of messages left out for a field over its limit', async () => {
    const { outbox, published, skipped } = recording(true);
    outbox.add('b', answer(1));
    outbox.add('b', answer(2, 'x'.repeat(FIELD_LIMITS.sdp + 1)));
    await nextTurn();
    await nextTurn();
    expect(published).toEqual([{ process: 'b', messages: [answer(1)] }]);
    expect(skipped()).toBe(1);
    outbox.add('b', answer(3));
    await nextTurn();
    expect(published).toHaveLength(2);
  });

  it('queues at most MAX_QUEUED_PER_TURN messages in one turn, and as many again in the next', async () => {
    const { outbox, published, skipped } = recording();
    for (let i = 0; i < MAX_QUEUED_PER_TURN + 5; i++) outbox.add(`p${i % 2}`, answer(i));
    await nextTurn();
    const sent = () => published.reduce((total, batch) => total + batch.messages!.length, 0);
    expect(sent()).toBe(MAX_QUEUED_PER_TURN);
    expect(skipped()).toBe(5);
    outbox.add('p0', answer(0));
    await nextTurn();
    expect(sent()).toBe(MAX_QUEUED_PER_TURN + 1);
  });
});
