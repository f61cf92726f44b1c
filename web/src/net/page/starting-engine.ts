// The engine while the tab starts: the page shows before the engine is there (its config, the worker, the engine
// lock each take a round trip or more), so a user's action given then waits here and runs on the engine once it is
// known, instead of being refused.
import type { Call, Result } from '../../lib/messages/actions';
import type { Engine } from './tab-link';

/** The most actions held before the engine is known: a user clicks a few, a page that calls in a loop is refused. */
export const MAX_HELD_ACTIONS = 64;

interface Held {
  call: Call;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class StartingEngine implements Engine {
  private readonly held: Held[] = [];
  private target: Engine | undefined;

  call<C extends Call>(call: C): Promise<Result<C>> {
    if (this.target) return this.target.call(call);
    if (this.held.length >= MAX_HELD_ACTIONS)
      return Promise.reject(new Error('Too many actions are waiting for SwarmDrop to start'));
    return new Promise<Result<C>>((resolve, reject) => {
      this.held.push({ call, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** The engine is known: the held actions run on it in the order they were given, and every later one goes there. */
  settle(engine: Engine): void {
    if (this.target) return;
    this.target = engine;
    for (const entry of this.held.splice(0)) engine.call(entry.call).then(entry.resolve, entry.reject);
  }
}
