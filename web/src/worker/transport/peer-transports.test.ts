import { describe, expect, it } from 'vitest';
import { until } from '../../../../shared/testing/until';
import type { WorkerToMain } from '../../lib/messages/protocol';
import { OwnedChannels, type HeldChannel } from './owned-channels';
import type { PeerReceiver } from '../../../../shared/host/peer-transport';
import { PeerTransports } from './peer-transports';

const T = 'ef'.repeat(20);

function recorder() {
  const got: Array<{ kind: string; value: unknown }> = [];
  const receiver: PeerReceiver = {
    data: (data) => got.push({ kind: 'data', value: data }),
    backlog: (backlogged) => got.push({ kind: 'backlog', value: backlogged }),
    uploadQueue: (bytes) => got.push({ kind: 'upload-queue', value: bytes }),
  };
  return { got, receiver };
}

/** An open channel the page moved to the worker. */
function openChannel() {
  const events = new EventTarget();
  const sent: Uint8Array[] = [];
  const channel: HeldChannel & { receive(data: unknown): void } = {
    bufferedAmount: 0,
    readyState: 'open',
    binaryType: 'blob',
    bufferedAmountLowThreshold: 0,
    send: (data) => sent.push(data.slice()),
    close: () => undefined,
    addEventListener: (type, listener) => events.addEventListener(type, listener as EventListener),
    removeEventListener: (type, listener) => events.removeEventListener(type, listener as EventListener),
    receive: (data) => events.dispatchEvent(new MessageEvent('message', { data })),
  };
  return { channel, sent };
}

describe('PeerTransports', () => {
  it('relays a connection whose channel the page holds: sends and closes go to the page, its bytes come back', () => {
    const posted: Array<{ message: WorkerToMain; transfer?: Transferable[] }> = [];
    const transports = new PeerTransports((message, transfer) => posted.push({ message, transfer }));
    const transport = transports.open(T, 'c1');
    const { got, receiver } = recorder();
    transport.receive(receiver);
    const data = new ArrayBuffer(4);
    transport.send(data);
    expect(posted[0]).toEqual({
      message: { type: 'send', infoHashHex: T, peer: 'c1', data },
      transfer: [data],
    });
    expect(transport.retract(0, 0, 16_384)).toBe(false);
    const back = new ArrayBuffer(2);
    transports.fromPage({ type: 'peer-data', infoHashHex: T, peer: 'c1', data: back });
    transports.fromPage({ type: 'peer-backlog', infoHashHex: T, peer: 'c1', backlogged: true });
    transports.fromPage({ type: 'peer-data', infoHashHex: T, peer: 'c2', data: new ArrayBuffer(1) });
    expect(got).toEqual([
      { kind: 'data', value: back },
      { kind: 'backlog', value: true },
    ]);
    transport.close('bad');
    expect(posted[1].message).toEqual({ type: 'close', infoHashHex: T, peer: 'c1', reason: 'bad' });
    // Closed by the engine: the page's late bytes reach nobody.
    transports.fromPage({ type: 'peer-data', infoHashHex: T, peer: 'c1', data: new ArrayBuffer(1) });
    expect(got).toHaveLength(2);
  });

  it('forgets a relayed connection the page closed', () => {
    const transports = new PeerTransports(() => undefined);
    const { got, receiver } = recorder();
    transports.open(T, 'c1').receive(receiver);
    transports.closed(T, 'c1');
    transports.fromPage({ type: 'peer-data', infoHashHex: T, peer: 'c1', data: new ArrayBuffer(1) });
    expect(got).toEqual([]);
  });

  it("hands a channel held here its connection: its bytes go straight to the receiver, the engine's to the channel", async () => {
    const posted: WorkerToMain[] = [];
    const owned = new OwnedChannels((message) => posted.push(message));
    const transports = new PeerTransports((message) => posted.push(message), owned);
    const { channel, sent } = openChannel();
    owned.adopt('ch1', channel);
    const transport = transports.open(T, 'c1', 'ch1');
    const { got, receiver } = recorder();
    transport.receive(receiver);
    const data = new ArrayBuffer(3);
    channel.receive(data);
    expect(got).toEqual([{ kind: 'data', value: data }]);
    // Relayed bytes for it are not its own: nothing reaches the receiver that way.
    transports.fromPage({ type: 'peer-data', infoHashHex: T, peer: 'c1', data: new ArrayBuffer(1) });
    expect(got).toHaveLength(1);
    transport.send(new Uint8Array([7, 8]).buffer);
    // The writer merges a burst in one deferred task (a MessageChannel message), which no timer is ordered with.
    await until(() => sent.length > 0, { what: 'the write to reach the channel' });
    expect(sent.map((m) => Array.from(m))).toEqual([[7, 8]]);
    expect(posted.filter((m) => m.type === 'send' || m.type === 'sends')).toEqual([]);
  });

  it('gives a connection whose channel is gone a closed transport that still lets the page close it', () => {
    const posted: WorkerToMain[] = [];
    const owned = new OwnedChannels((message) => posted.push(message));
    const transports = new PeerTransports((message) => posted.push(message), owned);
    const transport = transports.open(T, 'c1', 'ch9');
    transport.send(new ArrayBuffer(1));
    expect(transport.retract(0, 0, 1)).toBe(false);
    transport.close('gone');
    expect(posted).toEqual([{ type: 'close', infoHashHex: T, peer: 'c1', reason: 'gone' }]);
  });
});
