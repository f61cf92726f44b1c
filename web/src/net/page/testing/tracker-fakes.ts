// Fakes for the tracker client's tests: a WebSocket the test opens, fails and speaks through, and a simple-peer that
// signals like one with trickle off.
import type { SignalDescription } from '../../../../../shared/codec/tracker-protocol';
import { TrackerClient, type TrackerStatus } from '../tracker-client';
import type { SocketLike } from '../tracker-hooks';

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  fail(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({});
  }
  receive(message: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

let nextPeer = 0;
export class FakePeer {
  readonly id = nextPeer++;
  destroyed = false;
  signalled: SignalDescription[] = [];
  private listener: ((data: SignalDescription) => void) | undefined;
  constructor(
    readonly infoHashHex: string,
    readonly initiator: boolean,
  ) {}
  once(_event: 'signal', listener: (data: SignalDescription) => void): void {
    this.listener = listener;
    // Like simple-peer with trickle off: an initiator emits its offer once ICE gathering is done.
    if (this.initiator) queueMicrotask(() => this.emitSignal({ type: 'offer', sdp: `offer-${this.id}` }));
  }
  emitSignal(data: SignalDescription): void {
    const listener = this.listener;
    this.listener = undefined;
    listener?.(data);
  }
  signal(data: SignalDescription): void {
    this.signalled.push(data);
    if (!this.initiator && data.type === 'offer') {
      queueMicrotask(() => this.emitSignal({ type: 'answer', sdp: `answer-${this.id}` }));
    }
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** Hex as a binary string (one char per byte), as the tracker protocol carries hashes and ids. */
export const bin = (hex: string) => String.fromCharCode(...hex.match(/../g)!.map((h) => parseInt(h, 16)));

/** Lets the offers' microtasks and the announce's awaits run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Deterministic numbers in [0, 1) that differ from call to call (backoff jitter sees 0.5 first). */
function sequence(): () => number {
  let i = 0;
  return () => (i++ * 0.618034 + 0.5) % 1;
}

/** A tracker client over fake sockets and peers, and what it did. */
export function clientSetup(
  overrides: {
    acceptsOffer?: boolean;
    matched?: boolean;
    connected?: number;
    maxOffers?: number;
    /** The most offers an announce may make (default: as many as wanted). */
    offerRoom?: number;
  } = {},
) {
  const sockets: FakeSocket[] = [];
  const peers: FakePeer[] = [];
  const matched: Array<{ peer: FakePeer; remote: string; initiator: boolean }> = [];
  const statuses: Array<{ infoHashHex: string; status: TrackerStatus }> = [];
  const client = new TrackerClient<FakePeer>({
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    createPeer: (infoHashHex, initiator) => {
      const peer = new FakePeer(infoHashHex, initiator);
      peers.push(peer);
      return peer;
    },
    matched: (_infoHashHex, peer, remote, initiator) => {
      matched.push({ peer, remote, initiator });
      return overrides.matched ?? true;
    },
    acceptsOffer: () => overrides.acceptsOffer ?? true,
    numbers: () => ({ uploaded: 1, downloaded: 2, left: 3 }),
    status: (infoHashHex, status) => statuses.push({ infoHashHex, status }),
    connectedCount: () => overrides.connected ?? 0,
    offerRoom: (_infoHashHex, wanted) => Math.min(wanted, overrides.offerRoom ?? wanted),
    random: sequence(),
    maxOffers: overrides.maxOffers ?? 3,
  });
  return { client, sockets, peers, matched, statuses };
}
