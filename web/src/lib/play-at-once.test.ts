import { describe, expect, it } from 'vitest';
import { playAtOnce } from './play-at-once';

/** A container with one player in it: the player's events pass through the container's capturing listeners. */
function setUp(play: () => Promise<void>) {
  const listeners = new Set<EventListener>();
  const container = {
    addEventListener: (type: string, listener: EventListener, capture?: boolean) => {
      expect([type, capture]).toEqual(['loadstart', true]);
      listeners.add(listener);
    },
    removeEventListener: (_type: string, listener: EventListener) => listeners.delete(listener),
  } as unknown as EventTarget;
  const player = { play };
  const fire = (type: string) => {
    for (const listener of listeners) listener({ type, target: player } as unknown as Event);
  };
  return { container, fire, listeners };
}

describe('playAtOnce', () => {
  it('asks the player to play each time it starts loading a source', () => {
    let calls = 0;
    const { container, fire } = setUp(() => {
      calls++;
      return Promise.resolve();
    });
    playAtOnce(container);
    expect(calls).toBe(0);
    fire('loadstart');
    expect(calls).toBe(1);
    fire('loadstart');
    expect(calls).toBe(2);
  });

  it('swallows a refusal (the controls remain)', async () => {
    const refused = Promise.reject(new DOMException('not allowed', 'NotAllowedError'));
    const { container, fire } = setUp(() => refused);
    playAtOnce(container);
    fire('loadstart');
    // No unhandled rejection: the promise the player gave has a handler.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(refused).rejects.toThrow('not allowed');
  });

  it('stops listening when the container goes', () => {
    const { container, listeners } = setUp(() => Promise.resolve());
    const action = playAtOnce(container);
    expect(listeners.size).toBe(1);
    action.destroy();
    expect(listeners.size).toBe(0);
  });
});
