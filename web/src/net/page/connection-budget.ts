// How many RTCPeerConnections the page holds at once, open and being made, over every torrent of the engine.
// Chromium refuses a page its 501st RTCPeerConnection ("Cannot create so many PeerConnections"), and one closed
// still counts until it is garbage-collected, so the page stays well under that: a connection takes a place from
// its creation (an offer gathering, an answer being made) until it closes, and the offers an announce makes shrink
// as the places run out, so that offers from other peers can still be answered (docs/security.md).

/** RTCPeerConnections open or being made at once, over every torrent. Chromium's wall is 500, counting closed
 * connections not yet collected: 300 places are left to those. */
export const PAGE_CONNECTIONS = 200;
/** Places the page's own offers leave for answering other peers' offers. */
export const ANSWER_PLACES = 20;
/** With fewer places than this left, an announce carries one offer at most, so every torrent still gets one. */
export const NEAR_FULL_PLACES = 50;

/** A place taken: given back once, by whichever of its close or its destruction comes first. */
export interface BudgetPlace {
  release(): void;
}

export class ConnectionBudget {
  private held = 0;

  constructor(
    readonly limit = PAGE_CONNECTIONS,
    private readonly answerPlaces = Math.min(ANSWER_PLACES, Math.floor(limit / 10)),
    private readonly nearFull = Math.min(NEAR_FULL_PLACES, Math.floor(limit / 4)),
  ) {}

  /** Connections open or being made. */
  get used(): number {
    return this.held;
  }

  /** Places left. */
  get free(): number {
    return Math.max(0, this.limit - this.held);
  }

  /** A place for one more connection, or undefined when every place is taken. */
  take(): BudgetPlace | undefined {
    if (this.held >= this.limit) return undefined;
    this.held++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.held--;
      },
    };
  }

  /** How many of the `wanted` offers an announce may make now: none within the places kept for answers, one when
   * the places run short. */
  offers(wanted: number): number {
    const room = this.free - this.answerPlaces;
    if (room <= 0 || wanted <= 0) return 0;
    return Math.min(wanted, room, this.free < this.nearFull ? 1 : wanted);
  }

  /** Whether another peer's offer may be answered now. */
  answers(): boolean {
    return this.free > 0;
  }
}
