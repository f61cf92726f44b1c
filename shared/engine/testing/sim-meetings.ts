// WebRTC signalling as the simulated swarms model it, for peer exchange's meetings (pex/, the executor's
// SwarmPorts): an offer is a token naming the node that made it, an answer a token naming both ends; the offerer's
// taking the answer opens the connection, each end told the peer id it met (`expect`). Offers and answers are
// ready after `gatherMs` (ICE gathering), as the app's are.
import type { EngineEvent, PeerIdHex } from '../contract/engine-types';
import type { SwarmPorts } from '../session/executor';

/** What a meeting needs of a simulated node: whether it still runs. */
export interface MeetingNode {
  readonly alive: boolean;
}

export interface MeetingSim<N extends MeetingNode> {
  readonly now: number;
  at(at: number, run: () => void): void;
  connect(a: N, b: N, expect?: { a?: PeerIdHex; b?: PeerIdHex }): void;
}

const text = new TextEncoder();
const untext = new TextDecoder();

export class SimMeetings<N extends MeetingNode> {
  private readonly offers = new Map<string, N>();
  private readonly answers = new Map<string, { offerer: N; answerer: N; offererId: PeerIdHex }>();
  private next = 1;
  /** Offers and answers made, and connections opened by meetings. */
  readonly made = { offers: 0, answers: 0, connections: 0 };
  /** Why meetings ended without a connection, and how often. */
  readonly ended = new Map<string, number>();

  constructor(
    private readonly sim: MeetingSim<N>,
    private readonly gatherMs = 50,
  ) {}

  portsFor(node: N): SwarmPorts {
    return {
      meet: (peer, emit) => {
        const token = `offer-${this.next++}`;
        this.offers.set(token, node);
        this.made.offers++;
        this.later(node, emit, { type: 'signal-out', to: peer, kind: 'offer', payload: text.encode(token) });
      },
      signal: (action, emit) => {
        const token = untext.decode(action.payload ?? new Uint8Array(0));
        if (action.kind === 'offer') return this.answer(node, token, action.from, emit);
        if (action.kind !== 'answer') return;
        const answer = this.answers.get(token);
        if (!answer || answer.offerer !== node || !answer.answerer.alive) return;
        this.answers.delete(token);
        this.made.connections++;
        this.sim.connect(node, answer.answerer, { a: action.from, b: answer.offererId });
      },
      ended: (_, reason) => this.ended.set(reason, (this.ended.get(reason) ?? 0) + 1),
    };
  }

  private answer(node: N, token: string, from: PeerIdHex, emit: (event: EngineEvent) => void): void {
    const offerer = this.offers.get(token);
    if (!offerer) return this.later(node, emit, { type: 'signal-out', to: from, kind: 'decline' });
    this.offers.delete(token);
    const answerToken = `answer-${this.next++}`;
    this.answers.set(answerToken, { offerer, answerer: node, offererId: from });
    this.made.answers++;
    this.later(node, emit, {
      type: 'signal-out',
      to: from,
      kind: 'answer',
      payload: text.encode(answerToken),
    });
  }

  private later(node: N, emit: (event: EngineEvent) => void, event: EngineEvent): void {
    this.sim.at(this.sim.now + this.gatherMs, () => {
      if (node.alive) emit(event);
    });
  }
}
