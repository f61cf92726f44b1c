import { describe, expect, it } from 'vitest';
import { execute, type EnginePorts, type Reply } from './executor';
import type { EngineAction, EngineEvent } from '../contract/engine-types';
import type { TorrentInfo } from '../../codec/metainfo';

/** Ports that record every call; the asynchronous ones keep their reply for the test to answer. */
function recordingPorts() {
  const calls: unknown[][] = [];
  const replies: Array<Reply<never>> = [];
  const keep = (reply: Reply<unknown>) => replies.push(reply as Reply<never>);
  const ports: EnginePorts = {
    send: (...args) => calls.push(['send', ...args]),
    close: (...args) => calls.push(['close', ...args]),
    hash: (data, reply) => (calls.push(['hash', data]), keep(reply)),
    store: (index, data, reply) => (calls.push(['store', index, data]), keep(reply)),
    read: (peer, index, begin, length, reply) => (
      calls.push(['read', peer, index, begin, length]),
      keep(reply)
    ),
    announce: (...args) => calls.push(['announce', ...args]),
    wantPeers: (...args) => calls.push(['wantPeers', ...args]),
    metadata: (...args) => calls.push(['metadata', ...args]),
    complete: () => calls.push(['complete']),
    error: (...args) => calls.push(['error', ...args]),
  };
  return { ports, calls, replies };
}

describe('execute', () => {
  it('sends each action to its port, in order', () => {
    const { ports, calls } = recordingPorts();
    const data = new Uint8Array([1, 2, 3]);
    const info = { name: 'x' } as TorrentInfo;
    const actions: EngineAction[] = [
      { type: 'send', peer: 'a', data },
      { type: 'close', peer: 'b', reason: 'bye' },
      { type: 'hash', id: 7, data },
      { type: 'store', index: 3, data },
      { type: 'read', peer: 'c', index: 4, begin: 16, length: 32 },
      { type: 'announce', event: 'started' },
      { type: 'announce' },
      { type: 'want-peers', count: 5 },
      { type: 'metadata', info },
      { type: 'complete' },
      { type: 'error', reason: 'disk full' },
    ];
    const events: EngineEvent[] = [];
    execute(actions, ports, (e) => events.push(e));
    expect(calls).toEqual([
      ['send', 'a', data],
      ['close', 'b', 'bye'],
      ['hash', data],
      ['store', 3, data],
      ['read', 'c', 4, 16, 32],
      ['announce', 'started'],
      ['announce', undefined],
      ['wantPeers', 5],
      ['metadata', info],
      ['complete'],
      ['error', 'disk full'],
    ]);
    expect(events).toEqual([]);
  });

  it('turns the answers of hash, store and read into events, once each', () => {
    const { ports, replies } = recordingPorts();
    const events: EngineEvent[] = [];
    const digest = new Uint8Array(20).fill(9);
    const block = new Uint8Array([5, 6]);
    execute(
      [
        { type: 'hash', id: 2, data: new Uint8Array(1) },
        { type: 'store', index: 1, data: new Uint8Array(1) },
        { type: 'read', peer: 'p', index: 1, begin: 0, length: 2 },
      ],
      ports,
      (e) => events.push(e),
    );
    const [hash, store, read] = replies as unknown as [Reply<Uint8Array>, Reply<void>, Reply<Uint8Array>];
    read.ok(block);
    hash.ok(digest);
    store.ok(undefined);
    store.fail('late'); // a second answer is ignored
    expect(events).toEqual([
      { type: 'read-done', peer: 'p', index: 1, begin: 0, data: block },
      { type: 'hashed', id: 2, digest },
      { type: 'stored', index: 1 },
    ]);
  });

  it('turns port failures into the failure events, and a hash failure into an error', () => {
    const { ports, replies, calls } = recordingPorts();
    const throwing: EnginePorts = {
      ...ports,
      store: () => {
        throw new Error('quota exceeded');
      },
    };
    const events: EngineEvent[] = [];
    execute(
      [
        { type: 'hash', id: 2, data: new Uint8Array(1) },
        { type: 'read', peer: 'p', index: 1, begin: 8, length: 2 },
        { type: 'store', index: 4, data: new Uint8Array(1) },
      ],
      throwing,
      (e) => events.push(e),
    );
    const [hash, read] = replies as unknown as [Reply<Uint8Array>, Reply<Uint8Array>];
    read.fail('not stored');
    hash.fail('no crypto');
    expect(events).toEqual([
      { type: 'store-failed', index: 4, reason: 'quota exceeded' },
      { type: 'read-failed', peer: 'p', index: 1, begin: 8, reason: 'not stored' },
    ]);
    expect(calls.filter((c) => c[0] === 'error')).toEqual([['error', 'hashing failed: no crypto']]);
  });

  it('hashes a v2 piece block by block through hashBlocks, and fails without it', () => {
    const { ports, replies, calls } = recordingPorts();
    const events: EngineEvent[] = [];
    const data = new Uint8Array(2);
    const blocks: EnginePorts = {
      ...ports,
      hashBlocks: (bytes, reply, urgent) => (
        calls.push(['hashBlocks', bytes, urgent]),
        replies.push(reply as Reply<never>)
      ),
    };
    execute([{ type: 'hash', id: 5, data, algorithm: 'sha256-blocks' }], blocks, (e) => events.push(e));
    expect(calls).toEqual([['hashBlocks', data, false]]);
    const digests = new Uint8Array(32);
    (replies[0] as unknown as Reply<Uint8Array>).ok(digests);
    expect(events).toEqual([{ type: 'hashed', id: 5, digest: digests }]);
    execute([{ type: 'hash', id: 7, data, algorithm: 'sha256-blocks', urgent: true }], blocks, () => {});
    expect(calls[1]).toEqual(['hashBlocks', data, true]);
    execute([{ type: 'hash', id: 6, data, algorithm: 'sha256-blocks' }], ports, (e) => events.push(e));
    expect(calls.filter((c) => c[0] === 'error')).toEqual([['error', 'hashing failed: no SHA-256 here']]);
  });

  it('answers a retract with block-retracted only when the port dropped the block; without the port, nothing', () => {
    const { ports } = recordingPorts();
    const events: EngineEvent[] = [];
    const retract = (index: number) => ({
      type: 'retract' as const,
      peer: 'p',
      index,
      begin: 0,
      length: 16384,
    });
    execute([retract(1), retract(2)], { ...ports, retract: (_peer, index) => index === 2 }, (e) =>
      events.push(e),
    );
    expect(events).toEqual([{ type: 'block-retracted', peer: 'p', index: 2, begin: 0, length: 16384 }]);
    execute([retract(3)], ports, (e) => events.push(e));
    expect(events).toHaveLength(1);
  });
});
