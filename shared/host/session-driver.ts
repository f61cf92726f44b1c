// The loop every host runs around its torrent's session: events wait in one queue and are handed to the session one
// at a time, never from inside its own handling (an answer that comes back at once waits its turn); each action the
// session returns is carried out through the engine's one executor, and what a port answers is fed back as an event.
// A new session (after a restart) starts a new generation: what the old one's ports answer late is dropped.
import type { EngineAction, EngineEvent, Session } from '../engine/contract/engine-types';
import { executeAction, type EnginePorts } from '../engine/session/executor';

/** What the driver asks of its host. */
export interface DriverHost {
  /** The session events go to; undefined when none runs (events fed then are dropped). */
  live(): Pick<Session, 'handle'> | undefined;
  /** The clock the session reads. */
  now(): number;
  /** The ports for one action; `current` tells whether its session is still the one the host runs. */
  ports(current: () => boolean): EnginePorts;
  /** The session threw while handling an event other than `stop`: the host fails the torrent. */
  threw(error: unknown): void;
  /** Whether answers may still land beyond the generation (false once the torrent is removed, say). Optional. */
  accepts?(): boolean;
  /** The queue is empty (or no session runs): the host may finish a stop. Optional. */
  drained?(): void;
}

export class SessionDriver {
  private queue: EngineEvent[] = [];
  private draining = false;
  private generation = 0;

  constructor(private readonly host: DriverHost) {}

  /** A new session replaces the old one: what waited is dropped, and so are the old one's late answers. */
  renew(): void {
    this.generation++;
    this.queue = [];
  }

  /** Drops every event that waits (a stop goes ahead of them). */
  clear(): void {
    this.queue = [];
  }

  /** Hands `event` to the session in its turn (now, unless the session is busy handling another). */
  feed(event: EngineEvent): void {
    if (!this.host.live()) return;
    this.queue.push(event);
    this.drain();
  }

  /** Runs the queue until it is empty or no session runs. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      let session: Pick<Session, 'handle'> | undefined;
      while ((session = this.host.live()) && this.queue.length > 0) {
        const event = this.queue.shift() as EngineEvent;
        let actions: EngineAction[];
        try {
          actions = session.handle(event, this.host.now());
        } catch (error) {
          if (event.type === 'stop') {
            this.queue = [];
            break;
          }
          this.host.threw(error);
          continue;
        }
        for (const action of actions) this.act(action);
      }
    } finally {
      this.draining = false;
    }
    this.host.drained?.();
  }

  private act(action: EngineAction): void {
    const generation = this.generation;
    const current = () => generation === this.generation && (this.host.accepts?.() ?? true);
    executeAction(action, this.host.ports(current), (event) => {
      if (current()) this.feed(event);
    });
  }
}
