import { describe, expect, it } from 'vitest';
import type { EngineAction, EngineEvent } from '../engine/contract/engine-types';
import type { EnginePorts, Reply } from '../engine/session/executor';
import { SessionDriver, type DriverHost } from './session-driver';

/** A session that notes each event and answers a tick with a store of piece 0 (and `fail` throws). */
class NotingSession {
  readonly seen: string[] = [];
  handle(event: EngineEvent): EngineAction[] {
    this.seen.push(event.type === 'store-failed' ? `store-failed: ${event.reason}` : event.type);
    if (event.type === 'pause') throw new Error('broken');
    return event.type === 'tick' ? [{ type: 'store', index: 0, data: new Uint8Array(4) }] : [];
  }
}

function driven(store: (reply: Reply<void>) => void) {
  const session = new NotingSession();
  const threw: unknown[] = [];
  let live: NotingSession | undefined = session;
  const host: DriverHost = {
    live: () => live,
    now: () => 0,
    ports: () => ({ store: (_index, _data, reply) => store(reply) }) as Partial<EnginePorts> as EnginePorts,
    threw: (error) => threw.push(error),
  };
  return { session, threw, driver: new SessionDriver(host), end: () => (live = undefined) };
}

describe('SessionDriver', () => {
  it('hands an answer given at once to the session after the event it came from, in the queue', () => {
    const { session, driver } = driven((reply) => reply.ok());
    driver.feed({ type: 'tick' });
    driver.feed({ type: 'resume' });
    expect(session.seen).toEqual(['tick', 'stored', 'resume']);
  });

  it("feeds a storage failure back as the engine's event", () => {
    let answer: Reply<void> | undefined;
    const { session, driver } = driven((reply) => (answer = reply));
    driver.feed({ type: 'tick' });
    answer?.fail('disk full');
    expect(session.seen).toEqual(['tick', 'store-failed: disk full']);
  });

  it("drops the old session's late answers once a new one is driven, and every event when none runs", () => {
    let answer: Reply<void> | undefined;
    const { session, driver, end } = driven((reply) => (answer = reply));
    driver.feed({ type: 'tick' });
    driver.renew();
    answer?.ok();
    end();
    driver.feed({ type: 'resume' });
    expect(session.seen).toEqual(['tick']);
  });

  it('tells the host when the session throws, and goes on with the next event', () => {
    const { session, threw, driver } = driven(() => {});
    driver.feed({ type: 'pause' });
    driver.feed({ type: 'resume' });
    expect(threw.map((error) => (error as Error).message)).toEqual(['broken']);
    expect(session.seen).toEqual(['pause', 'resume']);
  });
});
