import { describe, expect, it } from 'vitest';
import type { WorkerToMain } from '../../lib/messages/protocol';
import type { PeerTransport } from '../../../../shared/host/peer-transport';
import { RelayedTransport } from './relayed-transport';

const T = 'ab'.repeat(20);

describe('RelayedTransport', () => {
  it("posts the engine's bytes to the page, transferred, and its close after them", () => {
    const posted: Array<{ message: WorkerToMain; transfer?: Transferable[] }> = [];
    const closed: RelayedTransport[] = [];
    const transport = new RelayedTransport(
      T,
      'c3',
      (message, transfer) => posted.push({ message, transfer }),
      (t) => closed.push(t),
    );
    const data = new ArrayBuffer(8);
    transport.send(data);
    transport.close('choked too long');
    expect(posted).toEqual([
      { message: { type: 'send', infoHashHex: T, peer: 'c3', data }, transfer: [data] },
      {
        message: { type: 'close', infoHashHex: T, peer: 'c3', reason: 'choked too long' },
        transfer: undefined,
      },
    ]);
    expect(closed).toEqual([transport]);
  });

  it('hands what the page relays to its receiver, and retracts nothing (the page queued it)', () => {
    const transport = new RelayedTransport(
      T,
      'c3',
      () => undefined,
      () => undefined,
    );
    const got: unknown[] = [];
    transport.received(new ArrayBuffer(1)); // before a receiver: nobody to take it
    transport.receive({
      data: (data) => got.push(data.byteLength),
      backlog: (backlogged) => got.push(backlogged),
      uploadQueue: () => undefined,
    });
    transport.received(new ArrayBuffer(5));
    transport.backlogged(true);
    expect(got).toEqual([5, true]);
    expect((transport as PeerTransport).retract(1, 0, 16_384)).toBe(false);
  });
});
