import { describe, expect, it, vi } from 'vitest';
import type { Call } from '../../lib/messages/actions';
import { MAX_HELD_ACTIONS, StartingEngine } from './starting-engine';

const magnet: Call = { op: 'add-magnet', link: 'magnet:?xt=urn:btih:' + 'ab'.repeat(20) };
const pause: Call = { op: 'pause', infoHashHex: 'ab'.repeat(20) };

describe('StartingEngine', () => {
  it('holds an action given before the engine is known, then runs it there with its answer', async () => {
    const starting = new StartingEngine();
    const answer = starting.call(magnet);
    const engine = { call: vi.fn(() => Promise.resolve('answer' as never)) };
    starting.settle(engine);
    await expect(answer).resolves.toBe('answer');
    expect(engine.call).toHaveBeenCalledExactlyOnceWith(magnet);
  });

  it('runs the held actions in the order they were given', async () => {
    const starting = new StartingEngine();
    const order: string[] = [];
    const answers = [starting.call(magnet), starting.call(pause)];
    starting.settle({
      call: (call: Call) => {
        order.push(call.op);
        return Promise.resolve(undefined as never);
      },
    });
    await Promise.all(answers);
    expect(order).toEqual(['add-magnet', 'pause']);
  });

  it('passes on the engine’s refusal of a held action', async () => {
    const starting = new StartingEngine();
    const answer = starting.call(magnet);
    starting.settle({ call: () => Promise.reject(new Error('bad link')) });
    await expect(answer).rejects.toThrow('bad link');
  });

  it('sends actions straight to the engine once it is known', async () => {
    const starting = new StartingEngine();
    const engine = { call: vi.fn(() => Promise.resolve(7 as never)) };
    starting.settle(engine);
    await expect(starting.call(pause)).resolves.toBe(7);
    expect(engine.call).toHaveBeenCalledExactlyOnceWith(pause);
  });

  it('keeps the first engine it is given', async () => {
    const starting = new StartingEngine();
    const first = { call: vi.fn(() => Promise.resolve(1 as never)) };
    const second = { call: vi.fn(() => Promise.resolve(2 as never)) };
    starting.settle(first);
    starting.settle(second);
    await expect(starting.call(pause)).resolves.toBe(1);
    expect(second.call).not.toHaveBeenCalled();
  });

  it('refuses actions past its bound while the engine is not known, and runs the held ones', async () => {
    const starting = new StartingEngine();
    const held = Array.from({ length: MAX_HELD_ACTIONS }, () => starting.call(pause));
    await expect(starting.call(pause)).rejects.toThrow('Too many actions are waiting for SwarmDrop to start');
    const engine = { call: vi.fn(() => Promise.resolve(undefined as never)) };
    starting.settle(engine);
    await Promise.all(held);
    expect(engine.call).toHaveBeenCalledTimes(MAX_HELD_ACTIONS);
  });
});
