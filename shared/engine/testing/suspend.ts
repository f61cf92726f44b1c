// A node suspended for a span of virtual time, as a browser freezes a background tab: its session gets no event (no
// peer's message, no answer from its hasher or storage, no tick) until it resumes, so it sends nothing new and its
// peers hear only silence. What its transport already held still leaves, as the browser's network stack goes on
// sending what a frozen page had handed it. On resume the events that came meanwhile reach the session in the order
// they came, and its tick, due many times while it slept, fires once, late, as a frozen tab's interval timer does:
// before those events or after them (a resumed tab runs its overdue timers and its queued messages in an order the
// browser chooses, so the engine must cope with both).
import type { EngineEvent } from '../contract/engine-types';
import type { SimNode, SimSwarm } from './sim';

/** Where the late tick goes among the events held while the node slept. */
export type LateTick = 'first' | 'last';

export interface Suspension {
  from: number;
  until: number;
  /** Events handed over at the resume, the coalesced tick included (0 before it). */
  handedOver: number;
  /** Ticks that fell due while the node slept (they fire as one). */
  ticksMissed: number;
  resumed: boolean;
}

/** Suspends `node` from now for `ms` of virtual time. It must be running (neither suspended nor gone). */
export function suspend(sim: SimSwarm, node: SimNode, ms: number, lateTick: LateTick = 'first'): Suspension {
  if (!(ms > 0)) throw new RangeError(`a suspension lasts > 0 ms, got ${ms}`);
  if (node.held || !node.alive) throw new Error(`${node.name} is not running`);
  const held: EngineEvent[] = [];
  node.held = held;
  const suspension: Suspension = {
    from: sim.now,
    until: sim.now + ms,
    handedOver: 0,
    ticksMissed: 0,
    resumed: false,
  };
  sim.at(suspension.until, () => {
    node.held = undefined;
    const events: EngineEvent[] = held.filter((event) => event.type !== 'tick');
    suspension.ticksMissed = held.length - events.length;
    if (suspension.ticksMissed > 0) {
      if (lateTick === 'first') events.unshift({ type: 'tick' });
      else events.push({ type: 'tick' });
    }
    suspension.handedOver = events.length;
    suspension.resumed = true;
    for (const event of events) node.deliver(event);
  });
  return suspension;
}
