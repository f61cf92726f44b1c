import { describe, expect, it } from 'vitest';
import type { Call, WorkerAction } from '../../lib/messages/actions';
import type { WorkerToMain } from '../../lib/messages/protocol';
import { ActionError, runAction, type ActionHandlers } from './action-runner';

function harness(handlers: Partial<ActionHandlers>) {
  const posts: WorkerToMain[] = [];
  const order: string[] = [];
  const run = (requestId: number, call: Call<WorkerAction>) =>
    runAction(
      handlers as ActionHandlers,
      { type: 'action', requestId, call, defaultTrackers: ['wss://app.example/'] },
      (message) => {
        posts.push(message);
        order.push(message.type);
      },
      () => order.push('after'),
    );
  return { posts, order, run };
}

describe('runAction', () => {
  it("replies with the handler's result, given the request and the app's trackers", async () => {
    const seen: unknown[] = [];
    const { posts, order, run } = harness({
      pause: async (request, context) => {
        seen.push(request, context);
      },
      'add-magnet': async (request) => ({ infoHashHex: 'f'.repeat(40), name: request.link }),
    });
    await run(4, { op: 'add-magnet', link: 'magnet:?xt=x' });
    await run(5, { op: 'pause', infoHashHex: 'a'.repeat(40) });
    expect(posts).toEqual([
      { type: 'reply', requestId: 4, ok: true, value: { infoHashHex: 'f'.repeat(40), name: 'magnet:?xt=x' } },
      { type: 'reply', requestId: 5, ok: true, value: undefined },
    ]);
    expect(seen).toEqual([
      { infoHashHex: 'a'.repeat(40) },
      { requestId: 5, defaultTrackers: ['wss://app.example/'] },
    ]);
    expect(order).toEqual(['reply', 'after', 'reply', 'after']);
  });

  it('replies with the reason a handler threw', async () => {
    const { posts, order, run } = harness({
      remove: async () => {
        throw new ActionError('Unknown torrent');
      },
    });
    await run(6, { op: 'remove', infoHashHex: 'a'.repeat(40) });
    expect(posts).toEqual([{ type: 'reply', requestId: 6, ok: false, error: 'Unknown torrent' }]);
    expect(order).toEqual(['reply', 'after']);
  });

  it('refuses an action no handler is named for, even one inherited from Object', async () => {
    const { posts, run } = harness({});
    await run(7, { op: 'eval' } as unknown as Call<WorkerAction>);
    await run(8, { op: 'toString' } as unknown as Call<WorkerAction>);
    expect(posts).toEqual([
      { type: 'reply', requestId: 7, ok: false, error: 'Not a request the engine knows' },
      { type: 'reply', requestId: 8, ok: false, error: 'Not a request the engine knows' },
    ]);
  });
});
